import { TrainingLog, type BatchLogs } from '@densityjs/core';

/**
 * One status line on stderr, rewritten in place with \r on a terminal. When stderr is not a
 * terminal (CI logs, pipes) it prints a line when the task changes and otherwise at most every
 * 30 seconds, to keep logs short.
 */
export class Progress {
  private last = '';
  private lastTask = '';
  private lastPrinted = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  update(line: string): void {
    if (this.tty) {
      const width = (process.stderr.columns ?? 100) - 1;
      const text = line.length > width ? `${line.slice(0, width - 1)}…` : line;
      process.stderr.write(`\r${text.padEnd(Math.min(width, Math.max(this.last.length, text.length)))}`);
      this.last = text;
      return;
    }
    const task = line.split(':')[0] ?? line;
    const now = Date.now();
    if (task !== this.lastTask || now - this.lastPrinted > 30_000) {
      process.stderr.write(`${line}\n`);
      this.lastTask = task;
      this.lastPrinted = now;
    }
  }

  done(): void {
    if (this.tty && this.last) process.stderr.write(`\r${' '.repeat(this.last.length)}\r`);
    this.last = '';
    this.lastTask = '';
  }
}

/**
 * `fit` callbacks that report training on `progress` with the same line as `fit`'s
 * `verbose` option (core's TrainingLog: epoch i/N, loss, valLoss, steps/s, ETA), prefixed by
 * `label`. The bench keeps its own status line, shared by all its tasks, instead of `verbose`.
 */
export function trainingProgress(
  progress: Progress,
  label: string,
  epochs: number,
): { onBatchEnd: (logs: BatchLogs) => void; onEpochEnd: (epoch: number, logs: { loss: number; valLoss?: number }) => void } {
  let log: TrainingLog | undefined;
  return {
    onBatchEnd: ({ stepsPerEpoch }) => {
      log ??= new TrainingLog({ verbose: 2, epochs, stepsPerEpoch, output: { kind: 'lines', writeLine: (line) => progress.update(`${label}: ${line}`) } });
    },
    onEpochEnd: (epoch, { loss, valLoss }) => log?.epochEnd(epoch, loss, valLoss),
  };
}
