// A vitest reporter for mutation runs: a test file that fails to load becomes one failed test.
//
// StrykerJS's vitest runner builds a mutant's result from the tests vitest collected. A mutant
// that makes a module throw while it is imported (a "static" mutant in a table or a factory run
// at import) leaves the test files that import it with no tests at all, and a run without a
// failed test counts as survived, although the suite did catch the mutant: it could not even
// load. This reporter gives each such file one failed test carrying the load error, so the
// mutant counts as killed. Files that loaded are left as they are. vitest.shared.ts adds it
// only while `pnpm test:mutation` runs (DENSITYJS_MUTATION_PACKAGE is set).

export class LoadFailureAsFailedTest {
  onTestRunEnd(testModules) {
    for (const module of testModules) {
      const file = module.task;
      if (file.result?.state !== 'fail' || file.tasks.length > 0) continue;
      file.tasks.push({
        type: 'test',
        id: `${file.id}_load`,
        name: 'the test file loads',
        mode: 'run',
        file,
        suite: file,
        meta: {},
        context: undefined,
        result: { state: 'fail', errors: file.result.errors ?? [{ message: 'the test file failed to load' }], duration: 0 },
      });
    }
  }
}
