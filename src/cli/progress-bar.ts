/**
 * A one-line progress bar on stderr, drawn only on a TTY (logs and pipes stay
 * clean) and at most every 100 ms so drawing never slows the work.
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = performance.now();

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, private readonly label: string) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(done: number, total: number, unit: string, extra = ''): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(frac * width);
    const secs = (now - this.started) / 1000;
    const eta = frac > 0 && frac < 1 ? ` eta ${Math.round(secs / frac - secs)}s` : '';
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(1)}% ${formatAmount(done, unit)}${eta} ${extra}`;
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
