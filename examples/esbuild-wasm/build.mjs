// Bundles src/main.ts into dist/ with esbuild. The `file` loader copies every imported .wasm
// binary into dist/ (hashed names) and makes the import's value its URL, which src/backend.ts
// hands to setWasmPaths. Serve dist/ with any static server.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
await build({
  entryPoints: ['src/main.ts'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outdir: 'dist',
  loader: { '.wasm': 'file' },
  assetNames: '[name]-[hash]',
  logLevel: 'warning',
});
copyFileSync('index.html', 'dist/index.html');
console.log('built dist/ (index.html, main.js, the wasm binaries)');
