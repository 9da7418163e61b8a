// Shared vitest configuration: every package tests its TypeScript source directly, and
// imports of sibling packages resolve to their source too, so no build is needed before
// `pnpm test` and a change in a dependency's source is never tested against a stale dist/.
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { LoadFailureAsFailedTest } from './scripts/vitest-load-failure-reporter.mjs';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

// Exact matches only: a subpath export (e.g. @densityjs/testing/backends) resolves through the
// package's own exports map.
const sourceAliases = readdirSync(packagesDir).map((name) => ({
  find: new RegExp(`^@densityjs/${name}$`),
  replacement: `${packagesDir}${name}/src/index.ts`,
}));

export function packageConfig(configUrl: string) {
  return defineConfig({
    root: fileURLToPath(new URL('.', configUrl)),
    resolve: { alias: sourceAliases },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [`${packagesDir}testing/src/setup.ts`],
      testTimeout: 60_000,
      // Every test makes at least one assertion (expect, or the testing package's helpers, which
      // call expect): a test that asserts nothing, or returns before its first assertion on some
      // backend, fails instead of passing vacuously. Skip a test explicitly (it.skipIf) instead.
      expect: { requireAssertions: true },
      hookTimeout: 60_000,
      // tfjs backends hold global state; one file per worker keeps them isolated.
      pool: 'forks',
      maxWorkers: 2,
      // In a mutation run (`pnpm test:mutation`), a test file that cannot load is a failed test,
      // so a mutant that breaks a module's import counts as killed (see the reporter).
      ...(process.env.DENSITYJS_MUTATION_PACKAGE ? { reporters: ['default', new LoadFailureAsFailedTest()] } : {}),
    },
  });
}
