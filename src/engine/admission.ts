import { ShandianError } from '../model/errors.js';

/**
 * Admission control for queries: at most `maxRunning` run at once, at most
 * `maxQueued` wait; one more is refused at once with E_OVERLOADED rather than
 * piling up. Appends ask `starving()` and give way while queries wait.
 */
export class Admission {
  private running = 0;
  private paused = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly maxRunning: number, private readonly maxQueued: number) {}

  async enter(signal?: AbortSignal): Promise<() => void> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxQueued) {
        throw new ShandianError('E_OVERLOADED', `too many queries: ${this.running} running and ${this.waiting.length} waiting`, {},
          'retry later, or raise maxQueuedQueries when opening the engine');
      }
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(go);
      });
    } else {
      this.running++;
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.running--;
    };
  }

  /**
   * A running query gives the event loop a turn (engine/time-slice.ts): it
   * counts as starving until the returned function is called. Appends in
   * memory resolve in microtasks only, so an append loop that did not give
   * way here could keep paused queries (and every timer) from running.
   */
  pausing(): () => void {
    this.paused++;
    return () => void this.paused--;
  }

  /** True while queries are waiting for a slot or paused for a turn of the event loop. */
  get starving(): boolean {
    return this.waiting.length > 0 || this.paused > 0;
  }
}
