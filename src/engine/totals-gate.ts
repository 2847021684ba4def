/**
 * Lets complement tasks (a wide `<bought>` window computed as live
 * per-customer totals minus the orders outside it, see BoughtTask.complement)
 * run in worker threads. They read columns an append changes (totals, alive
 * flags), so while any is in flight appends wait before applying, and while
 * an append waits no new one goes to a worker (it runs on the calling thread,
 * synchronously, which no append can interleave with).
 *
 * Every query holds it too (`read`), from its first read of the store to its
 * last: queries pause for the event loop between steps, and no append may
 * apply in such a pause.
 */
export class TotalsGate {
  private inFlight = 0;
  private writersWaiting = 0;
  private wakeWriters: (() => void)[] = [];
  private wakeReaders: (() => void)[] = [];

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

  /**
   * A query's evaluation holds the store still from its first read to its
   * last: it pauses for the event loop between steps (engine/time-slice.ts),
   * and an append applied in such a pause would give it one shard before the
   * append and another after. It waits while an append waits or applies
   * (appends go first, so a stream of queries cannot starve them), then
   * appends wait for it. Call the returned function once, when it is done.
   */
  async read(): Promise<() => void> {
    while (this.writersWaiting > 0) await new Promise<void>((wake) => this.wakeReaders.push(wake));
    this.inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.exit();
    };
  }

  /** Runs `apply` (synchronous) once no reader is in flight; readers that ask meanwhile run inline or wait. */
  async exclusive<T>(apply: () => T): Promise<T> {
    this.writersWaiting++;
    try {
      while (this.inFlight > 0) await new Promise<void>((wake) => this.wakeWriters.push(wake));
      return apply();
    } finally {
      if (--this.writersWaiting === 0) for (const wake of this.wakeReaders.splice(0)) wake();
    }
  }

  /** Readers in worker threads now (tests). */
  get readers(): number {
    return this.inFlight;
  }
}
