import { setImmediate as nextTurn } from 'node:timers/promises';
import { TUNING } from '../model/defaults.js';

/**
 * How long a query may run on the calling thread before it gives the event
 * loop a turn (milliseconds). A turn costs a few microseconds; with this
 * budget timers, I/O and other callers wait at most about this long (plus
 * the one step in progress), and `signal` / `timeoutMs` take effect at the
 * next turn.
 */
export const YIELD_BUDGET_MS = TUNING.YIELD_BUDGET_MS;

/**
 * Cooperative scheduling for one query on the calling thread: the query's
 * steps ask `due()` between pieces of work and `await pause()` when it says
 * so. `pause` yields to the event loop (setImmediate: timers and I/O run
 * first) and then checks the query's signal and deadline, throwing when it
 * was aborted or is out of time.
 */
export class TimeSlice {
  private started = performance.now();

  constructor(
    /** throws when the query must stop (signal aborted, deadline passed) */
    private readonly check: () => void = () => {},
    /** called as a pause starts; what it returns is called as the pause ends (Admission.pausing) */
    private readonly onPause?: () => () => void,
    private readonly budgetMs = YIELD_BUDGET_MS,
  ) {}

  /** True once this slice has run for the budget: the caller should `await pause()`. */
  due(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  /** Gives the event loop a turn, then checks signal and deadline. */
  async pause(): Promise<void> {
    const resumed = this.onPause?.();
    try {
      await nextTurn();
    } finally {
      resumed?.();
    }
    this.started = performance.now();
    this.check();
  }

  /** `pause()` when due, else nothing (no promise when there is nothing to wait for). */
  maybePause(): Promise<void> | undefined {
    return this.due() ? this.pause() : undefined;
  }

  /** Runs `steps` to the end, pausing between steps whenever the budget is spent. */
  async run<T>(steps: Generator<void, T>): Promise<T> {
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      if (this.due()) await this.pause();
    }
  }

  /** Checks signal and deadline now, without yielding. */
  checkNow(): void {
    this.check();
  }
}
