// TypeDoc configuration of `pnpm docs`: one static site in docs/api with a module per public
// package (its README as the module page, its docstrings as the reference), the root README
// as the front page, and ARCHITECTURE.md as a project document. Exports without a docstring are
// listed as warnings (validation.notDocumented); `pnpm docs --treatValidationWarningsAsErrors`
// fails on them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const publicPackages = readdirSync('packages')
  .filter((d) => existsSync(`packages/${d}/package.json`))
  .filter((d) => !JSON.parse(readFileSync(`packages/${d}/package.json`, 'utf8')).private)
  .sort()
  .map((d) => `packages/${d}`);

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'densityjs',
  entryPointStrategy: 'packages',
  entryPoints: publicPackages,
  packageOptions: {
    entryPoints: ['src/index.ts'],
    tsconfig: 'tsconfig.build.json',
    excludePrivate: true,
    excludeInternal: true,
    validation: { notExported: true, invalidLink: true, notDocumented: true },
  },
  readme: 'README.md',
  projectDocuments: existsSync('ARCHITECTURE.md') ? ['ARCHITECTURE.md'] : [],
  out: 'docs/api',
  includeVersion: false,
  excludePrivate: true,
  excludeInternal: true,
  sort: ['kind', 'instance-first', 'alphabetical-ignoring-documents'],
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  sourceLinkTemplate: 'https://github.com/densityjs/densityjs/blob/{gitRevision}/{path}#L{line}',
};
