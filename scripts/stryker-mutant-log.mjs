// A StrykerJS reporter that appends every undetected mutant (survived or without coverage) to
// reports/mutation/<package>.undetected.jsonl as soon as it is tested. Stryker writes its own
// report only when a run ends; a run over a large package takes hours on a small machine, and
// this file lets its survivors be read (and tests written against them) while it is still going,
// or after it was stopped. The file is emptied when a run starts.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

class MutantLogReporter {
  constructor() {
    const pkg = process.env.DENSITYJS_MUTATION_PACKAGE ?? 'package';
    this.file = `reports/mutation/${pkg}.undetected.jsonl`;
    this.root = process.cwd();
  }

  onMutationTestingPlanReady() {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, '');
  }

  onMutantTested(result) {
    if (result.status !== 'Survived' && result.status !== 'NoCoverage') return;
    const { line, column } = result.location.start;
    const entry = {
      where: `${relative(this.root, result.fileName)}:${line}:${column}`,
      status: result.status,
      mutator: result.mutatorName,
      replacement: result.replacement,
    };
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
}

export const strykerPlugins = [{ kind: 'Reporter', name: 'mutant-log', injectableClass: MutantLogReporter }];
