// What `verbose` prints while a training loop runs: a live progress bar rewritten in place in
// an interactive terminal, otherwise one line per epoch (pipes and CI logs on stdout, browsers
// and workers on console.log).
import { formatEpochLine, formatProgressLine, type ProgressState, type ProgressStyle } from './progress-format.js';

/** `verbose` of the training options: 0 silent, 1 a live bar in a terminal (else lines), 2 one line per epoch. */
export type Verbosity = 0 | 1 | 2;

/** Where progress text goes. */
export type ProgressOutput =
  | {
      /** A terminal: `write` gets raw text (carriage returns, escape codes) for one line rewritten in place. */
      kind: 'terminal';
      /** Writes raw text, without a newline of its own. */
      write: (text: string) => void;
      /** Width of the terminal in characters. */
      columns: () => number;
    }
  | {
      /** Whole lines, e.g. a pipe or a browser console. */
      kind: 'lines';
      /** Prints one line (the text has no newline). */
      writeLine: (line: string) => void;
    };

/** The live bar is redrawn at most this often (milliseconds), as tqdm does. */
export const PROGRESS_RENDER_MS = 100;

interface NodeStdout {
  isTTY?: boolean;
  columns?: number;
  write: (text: string) => unknown;
}

/**
 * The output for this environment: Node's stdout when there is one (a terminal when
 * `process.stdout.isTTY`, else lines), `console.log` lines elsewhere (browsers, workers).
 */
export function defaultProgressOutput(): ProgressOutput {
  const g = globalThis as { process?: { stdout?: NodeStdout }; document?: unknown };
  const stdout = g.process?.stdout;
  if (stdout && typeof stdout.write === 'function' && typeof g.document !== 'object') {
    if (stdout.isTTY) return { kind: 'terminal', write: (text) => void stdout.write(text), columns: () => stdout.columns || 100 };
    return { kind: 'lines', writeLine: (line) => void stdout.write(`${line}\n`) };
  }
  return { kind: 'lines', writeLine: (line) => console.log(line) };
}

/** Options of {@link TrainingLog}. */
export interface TrainingLogOptions {
  /** 1: a live bar on a terminal output, lines elsewhere; 2: lines everywhere. */
  verbose: 1 | 2;
  /** Planned epochs. */
  epochs: number;
  /** Optimizer steps per epoch. */
  stepsPerEpoch: number;
  /** How the run is named (default: epochs of "loss"). */
  style?: ProgressStyle;
  /** Default: defaultProgressOutput(). */
  output?: ProgressOutput;
  /** Clock in milliseconds. Default: performance.now(). */
  now?: () => number;
}

/**
 * Progress of one training run. The loop calls `step` (when `due()`, with the epoch's running
 * mean loss) and `epochEnd`, then `close` once, also when training fails. Throughput counts the
 * steps done since the log was created; the ETA assumes the same rate for the remaining
 * planned steps (early stopping may end the run sooner).
 */
export class TrainingLog {
  private readonly output: ProgressOutput;
  private readonly live: boolean;
  private readonly now: () => number;
  private readonly started: number;
  private readonly style: ProgressStyle;
  private readonly state: ProgressState;
  private lastRender = -Infinity;
  private drawn = false;

  /** A log that starts its clock now; nothing is printed before the first `step` or `epochEnd`. */
  constructor(private readonly opts: TrainingLogOptions) {
    this.output = opts.output ?? defaultProgressOutput();
    this.live = opts.verbose === 1 && this.output.kind === 'terminal';
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
    this.style = opts.style ?? {};
    this.state = { epoch: 1, epochs: opts.epochs, step: 0, stepsPerEpoch: opts.stepsPerEpoch };
  }

  /** True when a live bar is shown and it is time to redraw it. */
  due(): boolean {
    return this.live && this.now() - this.lastRender >= PROGRESS_RENDER_MS;
  }

  /** `stepsDone` steps of the 0-based `epoch` are done; `loss` is their mean loss. */
  step(epoch: number, stepsDone: number, loss?: number): void {
    this.update(epoch, stepsDone, loss);
    if (this.live) this.render();
  }

  /** The 0-based `epoch` ended with mean training loss `loss` (and validation loss `valLoss`). */
  epochEnd(epoch: number, loss: number, valLoss?: number): void {
    this.update(epoch, this.opts.stepsPerEpoch, loss);
    if (valLoss !== undefined) this.state.valLoss = valLoss;
    if (this.live) this.render();
    else this.writeLine(formatEpochLine(this.state, this.style));
  }

  /** Ends the live line (the last state stays on screen). Lines need nothing. */
  close(): void {
    if (this.live && this.drawn && this.output.kind === 'terminal') this.output.write('\n');
    this.drawn = false;
  }

  private update(epoch: number, stepsDone: number, loss: number | undefined): void {
    const s = this.state;
    s.epoch = epoch + 1;
    s.step = stepsDone;
    if (loss !== undefined) s.loss = loss;
    const done = epoch * s.stepsPerEpoch + stepsDone;
    const seconds = (this.now() - this.started) / 1000;
    if (done > 0 && seconds > 0) {
      s.stepsPerSecond = done / seconds;
      s.etaSeconds = (s.epochs * s.stepsPerEpoch - done) / s.stepsPerSecond;
    }
  }

  private render(): void {
    const out = this.output;
    if (out.kind !== 'terminal') return;
    // \r back to column 0, the line, then erase what a longer previous line left (ESC [K).
    out.write(`\r${formatProgressLine(this.state, this.style, out.columns())}\x1b[K`);
    this.drawn = true;
    this.lastRender = this.now();
  }

  private writeLine(line: string): void {
    if (this.output.kind === 'lines') this.output.writeLine(line);
    else this.output.write(`${line}\n`);
  }
}
