import type { AppendLog } from '../log/append-log.js';
import type { ShandianError } from '../model/errors.js';
import type { EngineRecord } from '../model/records.js';
import type { Store } from '../store/store.js';
import { TotalsGate } from './totals-gate.js';

export interface CommitResult {
  applied: number;
  /** the first record the store refused, if any */
  refused?: { index: number; error: ShandianError };
  /** with skipRefused: every record the store refused (the others were applied) */
  skipped?: { index: number; error: ShandianError }[];
}

const YIELD_STEP_MS = 2;
const MAX_YIELD_MS = 5;

interface AppendRequest {
  kind: 'append';
  records: readonly EngineRecord[];
  /** apply the accepted prefix (file ingest) instead of all or nothing */
  keepPrefix: boolean;
  /** drop the records the store refuses and apply the others (ingest --skip-bad) */
  skipRefused: boolean;
  resolve(result: CommitResult): void;
  reject(error: unknown): void;
}

interface ExclusiveRequest {
  kind: 'exclusive';
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Group commit. Appends that arrive while a write is in flight wait in a
 * queue; the next round checks them in order (each sees the orders accepted
 * before it), writes all of their frames with one write and one fdatasync,
 * then applies them to the store in order and resolves them. A batch becomes
 * visible to queries only after it is durable, and a query started after
 * `append` resolved always sees it. Exclusive work (snapshots) runs between
 * rounds.
 */
export class CommitQueue {
  private readonly pending: (AppendRequest | ExclusiveRequest)[] = [];
  private running: Promise<void> | undefined;
  /**
   * Runs after a round is applied and before its appends resolve (live
   * segments write their changes to the feed here, src/live/). A failure
   * rejects the round's appends; their records stay applied and durable.
   */
  afterApply?: (batches: readonly (readonly EngineRecord[])[]) => Promise<void>;

  constructor(
    private readonly store: Store,
    private readonly log: AppendLog | undefined,
    /** true while queries wait for a slot: appends then give way briefly */
    private readonly queriesStarving: () => boolean = () => false,
    /** applying waits for complement tasks in worker threads (they read what it changes) */
    private readonly gate: TotalsGate = new TotalsGate(),
  ) {}

  append(records: readonly EngineRecord[], keepPrefix: boolean, skipRefused = false): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ kind: 'append', records, keepPrefix, skipRefused, resolve, reject });
      this.kick();
    });
  }

  exclusive<T>(run: () => T | Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.pending.push({ kind: 'exclusive', run, resolve: resolve as (v: unknown) => void, reject });
      this.kick();
    });
  }

  /** Resolves when everything queued so far has been handled. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
      // a request may have arrived after the loop's last look at the queue
      if (this.pending.length > 0) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (this.pending.length > 0) {
      const head = this.pending[0]!;
      if (head.kind === 'exclusive') {
        this.pending.shift();
        try {
          head.resolve(await head.run());
        } catch (e) {
          head.reject(e);
        }
        continue;
      }
      // Ingest gives way to starving queries (the in-process form of throttling
      // upstream writers under load), but only briefly, so writes never stall.
      for (let waited = 0; waited < MAX_YIELD_MS && this.queriesStarving(); waited += YIELD_STEP_MS) {
        await new Promise((r) => setTimeout(r, YIELD_STEP_MS));
      }
      // take the run of appends up to the next exclusive request
      const end = this.pending.findIndex((r) => r.kind === 'exclusive');
      const group = this.pending.splice(0, end < 0 ? this.pending.length : end) as AppendRequest[];
      await this.commit(group);
    }
  }

  private async commit(group: AppendRequest[]): Promise<void> {
    const accepted: { request: AppendRequest; good: readonly EngineRecord[]; result: CommitResult }[] = [];
    const newOrders = new Set<string>();
    for (const request of group) {
      if (request.skipRefused) {
        const { good, skipped } = this.checkSkipping(request.records, newOrders);
        const result: CommitResult = { applied: good.length, skipped };
        if (good.length === 0) request.resolve(result);
        else accepted.push({ request, good, result });
        continue;
      }
      const refused = this.store.check(request.records, newOrders);
      const good = !refused ? request.records : request.keepPrefix ? request.records.slice(0, refused.index) : [];
      for (const r of good) if (r.type === 'order') newOrders.add(r.orderId);
      const result: CommitResult = { applied: good.length, refused };
      if (good.length === 0) request.resolve(result);
      else accepted.push({ request, good, result });
    }
    if (accepted.length === 0) return;
    try {
      await this.log?.appendBatches(accepted.map((a) => a.good));
    } catch (e) {
      for (const a of accepted) a.request.reject(e);
      return;
    }
    await this.gate.exclusive(() => {
      for (const a of accepted) this.store.apply(a.good);
    });
    if (this.afterApply) {
      try {
        await this.afterApply(accepted.map((a) => a.good));
      } catch (e) {
        for (const a of accepted) a.request.reject(e);
        return;
      }
    }
    for (const a of accepted) a.request.resolve(a.result);
  }

  /**
   * The records the store accepts, in order, and the ones it refuses; the
   * accepted orders join `newOrders` (a later record sees them).
   */
  private checkSkipping(records: readonly EngineRecord[], newOrders: Set<string>) {
    const skipped: { index: number; error: ShandianError }[] = [];
    let good: EngineRecord[] | readonly EngineRecord[] = records;
    const kept: EngineRecord[] = [];
    for (let from = 0; from < records.length; ) {
      const rest = from === 0 ? records : records.slice(from);
      const refused = this.store.check(rest, newOrders);
      const end = refused ? refused.index : rest.length;
      for (let k = 0; k < end; k++) {
        const r = rest[k]!;
        if (r.type === 'order') newOrders.add(r.orderId);
        if (skipped.length > 0 || refused) kept.push(r);
      }
      if (!refused) break;
      skipped.push({ index: from + refused.index, error: refused.error });
      from += refused.index + 1;
    }
    if (skipped.length > 0) good = kept;
    return { good, skipped };
  }
}
