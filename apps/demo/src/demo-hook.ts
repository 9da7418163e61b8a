// The page's state as a plain object on `window.__demo`, for the end-to-end test and for
// anyone curious in the dev tools console.

export type DemoState = 'idle' | 'starting' | 'training' | 'stopping' | 'done' | 'stopped' | 'loaded' | 'error';

export interface DemoHook {
  page: 'flows' | 'mdn';
  state: DemoState;
  backend: string | null;
  lossHistory: number[];
  epoch: number;
  error: string | null;
  notes: string[];
  /** How many times each figure was drawn with model output. */
  draws: Record<string, number>;
  [extra: string]: unknown;
}

export function installHook(page: DemoHook['page']): DemoHook {
  const hook: DemoHook = { page, state: 'idle', backend: null, lossHistory: [], epoch: 0, error: null, notes: [], draws: {} };
  (globalThis as unknown as { __demo: DemoHook }).__demo = hook;
  return hook;
}

export function $(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no element #${id}.`);
  return element;
}

export function input(id: string): HTMLInputElement {
  return $(id) as HTMLInputElement;
}

export function select(id: string): HTMLSelectElement {
  return $(id) as HTMLSelectElement;
}

/** A finite number from an input, or an error naming the field and what it holds. */
export function readNumber(id: string, label: string, check: (v: number) => boolean, expected: string): number {
  const raw = input(id).value.trim();
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value) || !check(value)) {
    throw new Error(`${label} must be ${expected}; the field holds "${raw}".`);
  }
  return value;
}
