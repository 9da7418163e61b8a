// Pure text formatting of training progress: the live bar (`verbose: 1` in a terminal) and the
// one-line-per-epoch log (pipes, CI logs, browser consoles). No I/O here; TrainingLog writes.

/** Where training stands, as the progress line shows it. */
export interface ProgressState {
  /** 1-based epoch in progress (or just completed), and the planned number of epochs. */
  epoch: number;
  /** Planned number of epochs. */
  epochs: number;
  /** Steps done in this epoch, of `stepsPerEpoch`. */
  step: number;
  /** Steps in every epoch. */
  stepsPerEpoch: number;
  /** Mean training loss over this epoch's steps so far (the epoch's mean once it ends). */
  loss?: number;
  /** Validation loss of the last completed epoch. */
  valLoss?: number;
  /** Measured optimizer steps per second (undefined before the first measurement). */
  stepsPerSecond?: number;
  /** Estimated seconds until the planned last step. */
  etaSeconds?: number;
}

/** How a caller names its progress: `fit` counts epochs of "loss"; `fitVariational` counts steps of ELBO. */
export interface ProgressStyle {
  /** Name of the monitored quantity. Default 'loss'. */
  metric?: string;
  /** The value shown is `sign * loss` (e.g. -1: ELBO = -loss). Default 1. */
  sign?: 1 | -1;
  /** Count steps over the whole run ("step 350/2000") instead of epochs. Default false. */
  countSteps?: boolean;
}

/** Characters the live line keeps for its numbers (loss, valLoss, steps/s, ETA). */
const TAIL_RESERVE = 52;

/** Seconds as m:ss or h:mm:ss ("0:07", "12:30", "1:02:03"); "?" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Throughput with about three significant digits: "412 steps/s", "85.3 steps/s", "2.50 steps/s", "1.6 s/step". */
export function formatRate(stepsPerSecond: number | undefined): string {
  if (stepsPerSecond === undefined || !Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '? steps/s';
  if (stepsPerSecond >= 100) return `${Math.round(stepsPerSecond)} steps/s`;
  if (stepsPerSecond >= 10) return `${stepsPerSecond.toFixed(1)} steps/s`;
  if (stepsPerSecond >= 1) return `${stepsPerSecond.toFixed(2)} steps/s`;
  return `${(1 / stepsPerSecond).toFixed(1)} s/step`;
}

/** A loss with four decimals ("1.2346", "-0.0500"); "NaN", "+Infinity", "-Infinity" as such. */
export function formatLoss(v: number): string {
  // toFixed writes NaN and -Infinity as such; +Infinity gets its sign to stand apart from it.
  return v === Infinity ? '+Infinity' : v.toFixed(4);
}

/** A bar of `width` cells between brackets, `fraction` (clamped to [0, 1]) of them filled: "[=====>    ]". */
export function progressBar(fraction: number, width: number): string {
  const cells = Math.max(0, Math.floor(width));
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(f * cells);
  if (filled >= cells) return `[${'='.repeat(cells)}]`;
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(cells - filled)}]`;
}

function position(state: ProgressState, style: ProgressStyle): string {
  if (style.countSteps) {
    const total = state.epochs * state.stepsPerEpoch;
    const done = (state.epoch - 1) * state.stepsPerEpoch + state.step;
    return `step ${String(done).padStart(String(total).length)}/${total}`;
  }
  return `epoch ${String(state.epoch).padStart(String(state.epochs).length)}/${state.epochs}`;
}

function metrics(state: ProgressState, style: ProgressStyle): string {
  const metric = style.metric ?? 'loss';
  const sign = style.sign ?? 1;
  const parts: string[] = [];
  if (state.loss !== undefined) parts.push(`${metric} ${formatLoss(sign * state.loss)}`);
  if (state.valLoss !== undefined) parts.push(`valLoss ${formatLoss(state.valLoss)}`);
  return parts.join('  ');
}

/**
 * The live line of a terminal, at most `columns - 1` characters (the bar shrinks first, then
 * the line is cut):
 *
 *   epoch  3/50 [=====>              ] 12/40  loss 1.2345  valLoss 1.3001  85.3 steps/s  ETA 0:42
 *
 * With `countSteps` the bar covers the whole run: `step  350/2000 [===>     ]  ELBO -2.3100  ...`.
 */
export function formatProgressLine(state: ProgressState, style: ProgressStyle = {}, columns = 100): string {
  const head = position(state, style);
  const fraction = style.countSteps
    ? ((state.epoch - 1) * state.stepsPerEpoch + state.step) / (state.epochs * state.stepsPerEpoch)
    : state.step / state.stepsPerEpoch;
  const counter = style.countSteps ? '' : ` ${String(state.step).padStart(String(state.stepsPerEpoch).length)}/${state.stepsPerEpoch}`;
  const tail = [metrics(state, style), formatRate(state.stepsPerSecond), `ETA ${formatDuration(state.etaSeconds)}`].filter(Boolean).join('  ');
  const limit = Math.max(20, columns - 1);
  // head + ' ' + bar + counter + '  ' + tail. The bar's width depends on the terminal only (a
  // typical tail fits in TAIL_RESERVE), so it does not jump when the numbers change width.
  const room = limit - head.length - counter.length - Math.max(TAIL_RESERVE, tail.length) - 3;
  const barWidth = Math.min(30, room - 2);
  const line = barWidth >= 5 ? `${head} ${progressBar(fraction, barWidth)}${counter}  ${tail}` : `${head}${counter}  ${tail}`;
  return line.slice(0, limit);
}

/**
 * One line per completed epoch, for pipes, logs and browser consoles:
 *
 *   epoch  3/50  loss 1.2345  valLoss 1.3001  (40 steps, 85.3 steps/s, ETA 0:42)
 */
export function formatEpochLine(state: ProgressState, style: ProgressStyle = {}): string {
  const m = metrics(state, style);
  const steps = style.countSteps ? '' : `${state.stepsPerEpoch} ${state.stepsPerEpoch === 1 ? 'step' : 'steps'}, `;
  return `${position(state, style)}${m ? `  ${m}` : ''}  (${steps}${formatRate(state.stepsPerSecond)}, ETA ${formatDuration(state.etaSeconds)})`;
}
