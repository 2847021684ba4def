/**
 * A one-line progress bar on stderr, redrawn at most every 100 ms so drawing
 * never slows the work. Not on a TTY (a log file, a pipe) it writes a plain
 * line every `plainEveryMs` instead: a long job in a log is never silent for
 * half an hour, and a short one leaves the log clean.
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = performance.now();
  private lastPlain = this.started;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly label: string,
    private readonly plainEveryMs = 30_000,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** `total` undefined: not known in advance (standard input), so no percentage and no eta. */
  update(done: number, total: number | undefined, unit: string, extra = ''): void {
    if (total === undefined) return this.updateUnknown(done, unit, extra);
    const now = performance.now();
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const secs = (now - this.started) / 1000;
    const eta = frac > 0 && frac < 1 ? ` eta ${Math.round(secs / frac - secs)}s` : '';
    if (!this.enabled) {
      if (now - this.lastPlain < this.plainEveryMs || done >= total) return;
      this.lastPlain = now;
      this.stream.write(`${this.label}: ${(frac * 100).toFixed(1)}% ${formatAmount(done, unit)} after ${Math.round(secs)}s${eta} ${extra}`.trimEnd() + '\n');
      return;
    }
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round(frac * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(1)}% ${formatAmount(done, unit)}${eta} ${extra}`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
  }

  private updateUnknown(done: number, unit: string, extra: string): void {
    const now = performance.now();
    const secs = Math.round((now - this.started) / 1000);
    if (!this.enabled) {
      if (now - this.lastPlain < this.plainEveryMs) return;
      this.lastPlain = now;
      this.stream.write(`${this.label}: ${formatAmount(done, unit)} after ${secs}s ${extra}`.trimEnd() + '\n');
      return;
    }
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const line = `${this.label} ${formatAmount(done, unit)} after ${secs}s ${extra}`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
  }

  done(): void {
    if (this.enabled) this.stream.write('\n');
  }
}

function formatAmount(n: number, unit: string): string {
  if (unit === 'bytes') return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${n.toLocaleString('en-US')} ${unit}`;
}
