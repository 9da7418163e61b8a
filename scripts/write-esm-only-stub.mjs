// Writes dist/esm-only.cjs and dist/esm-only.d.cts for the package in the current directory.
// The package's exports map sends the `require` condition there: the packages are ES modules
// only, and a CommonJS `require()` of them gets an error that says so and how to import them
// (instead of Node's "No exports main defined"). The .d.cts declares nothing but that message,
// so TypeScript flags the names a .cts file tries to take from `require()`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
const message =
  `${name} is ESM-only: it cannot be loaded with require(). Import it from an ES module ` +
  `(\`import { ... } from '${name}'\` in a .mjs file or a package with "type": "module"; ` +
  `TypeScript: "module": "nodenext"), or from CommonJS with \`await import('${name}')\`.`;

mkdirSync('dist', { recursive: true });
writeFileSync(
  'dist/esm-only.cjs',
  `'use strict';\n// ${name} is published as ES modules only.\n` +
    `const error = new Error(${JSON.stringify(message)});\n` +
    `error.code = 'ERR_DENSITYJS_ESM_ONLY';\nthrow error;\n`,
);
writeFileSync(
  'dist/esm-only.d.cts',
  `/** ${message} */\ndeclare const esmOnly: { readonly 'ESM-only': ${JSON.stringify(message)} };\n` +
    `export = esmOnly;\n`,
);
