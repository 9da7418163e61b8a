// Which task runs on which browser backend, with the CLI's rules: quick mode measures only the
// light tasks on cpu and webgpu, slow tasks (seconds per step) run on wasm only in full mode or
// when named. Every task x backend pair gets a row, so the report says why a pair did not run.
import type { TimingOptions } from '../measure.js';
import type { TaskDef } from '../tasks/speed.js';
import type { BrowserBackend } from './protocol.js';

/** The CLI's timing presets (`pnpm bench` and `pnpm bench --quick`). */
export const TIMING: Record<'quick' | 'full', Omit<TimingOptions, 'onProgress'>> = {
  quick: { warmup: 3, repeats: 5, minRepeats: 3, minRepeatMs: 30, maxStepsPerRepeat: 20, budgetMs: 2000 },
  full: { warmup: 5, repeats: 9, minRepeats: 3, minRepeatMs: 150, maxStepsPerRepeat: 100, budgetMs: 8000 },
};

/** The CLI's default seed of the speed tasks. */
export const SPEED_SEED = 1234;

export interface PlanOptions {
  quick: boolean;
  /** Task ids or prefixes named by the user (the CLI's `--task`); undefined: all tasks. */
  named?: readonly string[];
}

export interface PlannedPair {
  task: TaskDef;
  backend: BrowserBackend;
  /** Undefined: the pair runs; else why it is skipped. */
  skip?: string;
}

/** Tasks matching `named` (ids or prefixes), in the order of `all`. */
export function matchTasks(all: readonly TaskDef[], named: readonly string[] | undefined): TaskDef[] {
  if (!named || named.length === 0) return [...all];
  return all.filter((t) => named.some((f) => t.id === f || t.id.startsWith(f)));
}

/** Every task x backend pair, each marked to run or skipped with the reason. */
export function planPairs(all: readonly TaskDef[], backends: readonly BrowserBackend[], o: PlanOptions): PlannedPair[] {
  const chosen = new Set(matchTasks(all, o.named).map((t) => t.id));
  const pairs: PlannedPair[] = [];
  for (const backend of backends) {
    const wasm = backend.startsWith('wasm');
    for (const task of all) {
      let skip: string | undefined;
      if (!chosen.has(task.id)) skip = 'not selected';
      else if (task.backends && !task.backends.includes(wasm ? 'wasm' : (backend as 'cpu' | 'webgpu'))) skip = `runs on ${task.backends.join(', ')} only`;
      else if (task.slow && (o.quick || !wasm) && !o.named) {
        skip = o.quick ? 'seconds per step: run without quick mode' : 'seconds per step: wasm only unless named';
      } else if (!wasm && o.quick && !task.light) skip = `heavy on ${backend} (quick mode measures it on wasm only)`;
      pairs.push(skip ? { task, backend, skip } : { task, backend });
    }
  }
  return pairs;
}
