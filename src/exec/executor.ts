import type { Bitmap } from '../index/bitmap.js';
import type { PlanNode } from '../plan/plan-node.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';
import type { BoughtQuery } from './bought-query.js';
import type { BoughtTask } from './bought-task.js';
import type { DayBucketCache } from './day-buckets.js';
import { scanValues, type ShardValues, type ValuesTask } from './score-values.js';
import type { PortraitCounts, PortraitScanTask } from './portrait-scan.js';
import type { SequenceQuery } from './sequence-task.js';
import type { StatsByNode } from './node-stats.js';

/**
 * The execution seam. The engine parses, plans and admits a query, then
 * hands the plan to its Executor, which decides where each shard's work
 * runs (which `<bought>` goes to a worker, which runs here, which comes
 * from day buckets, which complement task passes the totals gate) and
 * returns each shard's members; the engine merges them into a Segment.
 *
 * Two implementations: InProcessExecutor (exec/in-process-executor.ts:
 * `threads: 0`, or no compiled worker) and PoolExecutor
 * (exec/pool-executor.ts: `<bought>` tasks in worker threads, the protocol
 * of exec/protocol.ts). A different backend (src/backends/) answers whole
 * queries instead and does not use this seam.
 */
export interface Executor {
  /** each shard's members, in shard order */
  run(query: ExecutionQuery): Promise<Bitmap[]>;
  /** the shard's day bucket cache (exec/day-buckets.ts); undefined when they are turned off */
  dayBuckets(shard: Shard): DayBucketCache | undefined;
  /** worker threads (tests kill one to check recovery); none in-process */
  readonly workers: readonly { terminate(): Promise<number> }[];
  /** a portrait's order scans (exec/portrait-scan.ts) in worker threads; undefined: the caller runs them (no pool, or too small) */
  portraitScans?(tasks: PortraitScanTask[], signal?: AbortSignal): Promise<PortraitCounts[]> | undefined;
  close(): Promise<void>;
}

/** One plan, ready to run. */
export interface ExecutionQuery {
  readonly plan: PlanNode;
  /** the distinct `<bought>` nodes of the plan (language/evaluate.ts boughtNodes) */
  readonly boughtNodes: readonly (PlanNode & BoughtQuery)[];
  /** the distinct `<sequence>` nodes of the plan (language/evaluate.ts sequenceNodes): an executor may run them elsewhere */
  readonly sequenceNodes?: readonly (PlanNode & SequenceQuery)[];
  readonly shards: readonly Shard[];
  readonly catalog: Catalog;
  /** per shard, the plan's evaluation there (language/evaluate.ts ShardEvaluation) */
  readonly evaluations: readonly ShardWork[];
  readonly signal: AbortSignal | undefined;
  readonly stats: StatsByNode | undefined;
  readonly slice: Slice;
  /** maps an error of the worker round trip (the engine: the query's deadline as E_TIMEOUT) */
  readonly poolError: (e: unknown) => unknown;
  /** the whole-store phase's scans an executor may run before the evaluation (language/evaluate.ts prefetchWork) */
  readonly prefetch?: readonly ValuesPrefetch[];
}

/**
 * One shard's scan of the whole-store phase (a `<score>`'s values,
 * elements/score/): the pool may run it before the evaluation and hand the
 * result to `done`; what no executor runs, the evaluation computes itself,
 * on the calling thread.
 */
export interface ValuesPrefetch {
  /** the same key and shard: the same work (one scan for every node that needs it) */
  readonly key: string;
  /** the shard's index in ExecutionQuery.shards */
  readonly shard: number;
  readonly task: ValuesTask;
  /** the plan node its time is added to in explain's stats (the first that named it) */
  readonly node: PlanNode;
  done(values: ShardValues, timeMs: number): void;
}

/** What an executor asks of a shard's evaluation. */
export interface ShardWork {
  /** the customers a node is limited to, a bit each (elements/definition.ts Candidates): 'none', or undefined when not limited */
  candidates(node: PlanNode): Int32Array | 'none' | undefined;
  byDays(node: PlanNode & BoughtQuery, task: BoughtTask): Bitmap | undefined;
  runCooperatively(slice: Slice, precomputed?: ReadonlyMap<PlanNode, Bitmap>): Promise<Bitmap>;
}

/** The query's time slice on the calling thread (engine/time-slice.ts). */
export interface Slice {
  due(): boolean;
  pause(): Promise<void>;
  maybePause(): Promise<void> | undefined;
  checkNow(): void;
}

/** Day bucket caches per shard, made on first use, shared by the executors' implementations. */
export class DayBucketShards {
  private readonly caches: WeakMap<Shard, DayBucketCache> | undefined;

  constructor(
    /** all shards' budget; 0 turns day buckets off */
    totalBytes: number,
    private readonly shardCount: number,
    private readonly minRows: number | undefined,
    private readonly make: (bytes: number, minRows: number | undefined) => DayBucketCache,
  ) {
    this.caches = totalBytes > 0 ? new WeakMap() : undefined;
    this.bytesPerShard = totalBytes / shardCount;
  }

  private readonly bytesPerShard: number;

  get enabled(): boolean {
    return this.caches !== undefined;
  }

  for(shard: Shard): DayBucketCache | undefined {
    if (!this.caches) return undefined;
    let cache = this.caches.get(shard);
    if (!cache) this.caches.set(shard, (cache = this.make(this.bytesPerShard, this.minRows)));
    return cache;
  }
}

/**
 * The whole-store phase's scans (ExecutionQuery.prefetch) here, before the
 * evaluation, pausing for the event loop when the slice is spent (every
 * TUNING.SCORE_SCAN_STEP rows at most): else a `<score>` whose values are
 * cold could be evaluated in one go as another node's candidates
 * (ShardEvaluation.candidates does not pause).
 */
export async function runPrefetchHere(query: ExecutionQuery): Promise<void> {
  for (const w of query.prefetch ?? []) {
    const started = performance.now();
    const steps = scanValues(w.task);
    let next = steps.next();
    while (!next.done) {
      if (query.slice.due()) await query.slice.pause();
      next = steps.next();
    }
    const timeMs = performance.now() - started;
    w.done(next.value, timeMs);
    addTime(query.stats, w.node, timeMs);
  }
}

/** Every shard evaluated here, in order, with the `<bought>` results computed elsewhere if any. */
export async function evaluateShards(query: ExecutionQuery, precomputed?: readonly ReadonlyMap<PlanNode, Bitmap>[]): Promise<Bitmap[]> {
  const out: Bitmap[] = [];
  for (const [i] of query.shards.entries()) {
    query.slice.checkNow();
    out.push(await query.evaluations[i]!.runCooperatively(query.slice, precomputed?.[i]));
  }
  return out;
}

/** Adds time spent on a node to EXPLAIN's stats (when collected). */
export function addTime(stats: StatsByNode | undefined, node: PlanNode, ms: number): void {
  if (!stats) return;
  const s = stats.get(node) ?? { actual: 0, timeMs: 0 };
  s.timeMs += ms;
  stats.set(node, s);
}
