/**
 * One status line on stderr, rewritten in place with \r on a terminal. When stderr is not a
 * terminal (CI logs, pipes) it prints a line only when the task changes, to keep logs short.
 */
export class Progress {
  private last = '';
  private lastTask = '';
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
    if (task !== this.lastTask) {
      process.stderr.write(`${line}\n`);
      this.lastTask = task;
    }
  }

  done(): void {
    if (this.tty && this.last) process.stderr.write(`\r${' '.repeat(this.last.length)}\r`);
    this.last = '';
    this.lastTask = '';
  }
}
