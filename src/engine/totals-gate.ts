/**
 * Lets complement tasks (a wide `<bought>` window computed as live
 * per-customer totals minus the orders outside it, see BoughtTask.complement)
 * run in worker threads. They read columns an append changes (totals, alive
 * flags), so while any is in flight appends wait before applying, and while
 * an append waits no new one goes to a worker (it runs on the calling thread,
 * synchronously, which no append can interleave with).
 */
export class TotalsGate {
  private inFlight = 0;
  private writersWaiting = 0;
  private wakeWriters: (() => void)[] = [];

  /** A reader may start in a worker: true, and exit() must follow; false: run it inline. */
  enter(): boolean {
    if (this.writersWaiting > 0) return false;
    this.inFlight++;
    return true;
  }

  exit(): void {
    if (--this.inFlight > 0) return;
    for (const wake of this.wakeWriters.splice(0)) wake();
  }

  /** Runs `apply` (synchronous) once no reader is in flight; readers that ask meanwhile run inline. */
  async exclusive<T>(apply: () => T): Promise<T> {
    this.writersWaiting++;
    try {
      while (this.inFlight > 0) await new Promise<void>((wake) => this.wakeWriters.push(wake));
      return apply();
    } finally {
      this.writersWaiting--;
    }
  }

  /** Readers in worker threads now (tests). */
  get readers(): number {
    return this.inFlight;
  }
}
