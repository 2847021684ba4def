import { Bitmap } from '../index/bitmap.js';
import { TUNING } from '../model/defaults.js';
import type { PlanNode } from '../plan/plan-node.js';
import type { Shard } from '../store/shard.js';
import type { BoughtTask } from './bought-task.js';
import type { DayBucketCache } from './day-buckets.js';
import { prepareBought, runBought } from './eval-bought.js';
import { addTime, evaluateShards, runPrefetchHere, type DayBucketShards, type ExecutionQuery, type Executor } from './executor.js';
import type { StatsByNode } from './node-stats.js';
import { decodePortraitCounts, decodeResults, decodeValues } from './protocol.js';
import { valuesTaskRows, type ValuesTask } from './score-values.js';
import { portraitScanOrders, type PortraitCounts, type PortraitScanTask } from './portrait-scan.js';
import { scratchFor } from './shard-scratch.js';
import { prepareSequence, sequenceTaskRows, type SequenceTask } from './sequence-task.js';

/** The worker threads (engine/query-pool.ts): requests and replies of exec/protocol.ts. */
export interface WorkerPool {
  /** a shard's tasks as one message; the reply's results buffer (decodeResults), or the worker's ShandianError thrown */
  runEncoded(tasks: BoughtTask[], signal?: AbortSignal): Promise<ArrayBuffer>;
  /** one shard's `<score>` values (a ValuesRequest); the reply's buffer (decodeValues). Absent: they are computed on the calling thread */
  runValues?(task: ValuesTask, signal?: AbortSignal): Promise<ArrayBuffer>;
  /** one shard's portrait scan (a PortraitRequest); the reply's buffer (decodePortraitCounts). Absent: scanned on the calling thread */
  runPortrait?(task: PortraitScanTask, signal?: AbortSignal): Promise<ArrayBuffer>;
  /** one shard's `<sequence>` tasks (a SequenceRequest); the reply's buffer (decodeResults). Absent: they run on the calling thread */
  runSequences?(tasks: SequenceTask[], signal?: AbortSignal): Promise<ArrayBuffer>;
  readonly workers: readonly { terminate(): Promise<number> }[];
  close(): Promise<void>;
}

/** Lets complement tasks into workers while no append waits (engine/totals-gate.ts). */
export interface ComplementGate {
  /** true: the task may go to a worker, and exit() must follow; false: run it here */
  enter(): boolean;
  exit(): void;
}

export interface PoolSettings {
  /** below this many order lines a query's round trip costs more than the scan (poolMinLines) */
  readonly poolMinLines: number;
  /** complement tasks reading fewer values run here (poolMinComplement) */
  readonly poolMinComplement: number;
  /** distinguishes engines in one process for the workers' scratch areas */
  readonly instance: number;
}

/**
 * `<bought>` tasks in worker threads: every `<bought>` x shard of the plan
 * is prepared here (candidates first, then day buckets where they answer
 * it), and when the tasks scan at least poolMinLines lines they go to the
 * pool, each shard's in messages of at most POOL_TASKS_PER_MESSAGE, all
 * shards at once; complement tasks only from poolMinComplement values and
 * through the totals gate. The rest of the plan then runs here over the
 * results. Smaller queries run as InProcessExecutor runs them.
 */
export class PoolExecutor implements Executor {
  constructor(
    private readonly pool: WorkerPool,
    private readonly gate: ComplementGate,
    private readonly days: DayBucketShards,
    private readonly settings: PoolSettings,
  ) {}

  get workers(): readonly { terminate(): Promise<number> }[] {
    return this.pool.workers;
  }

  async run(query: ExecutionQuery): Promise<Bitmap[]> {
    // the whole-store phase first: a <bought>'s candidates may come from a <score> sibling
    await this.runValuesInPool(query).catch((e) => {
      throw query.poolError(e);
    });
    const bought = await this.runBoughtInPool(query).catch((e) => {
      throw query.poolError(e);
    });
    const precomputed = await this.runSequencesInPool(query, bought).catch((e) => {
      throw query.poolError(e);
    });
    // Evaluating on this thread never waits on I/O: give the event loop a
    // turn first, so callers querying in a tight loop cannot starve timers,
    // appends' disk writes or other callers.
    if (!precomputed) await query.slice.pause();
    return evaluateShards(query, precomputed);
  }

  dayBuckets(shard: Shard): DayBucketCache | undefined {
    return this.days.for(shard);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * A portrait's order scans (exec/portrait-scan.ts), one message per shard,
   * all at once, when they read at least poolMinLines orders in all;
   * undefined below that (the caller scans them in its time slices).
   */
  portraitScans(tasks: PortraitScanTask[], signal?: AbortSignal): Promise<PortraitCounts[]> | undefined {
    const runPortrait = this.pool.runPortrait?.bind(this.pool);
    if (runPortrait === undefined) return undefined;
    let orders = 0;
    for (const task of tasks) orders += portraitScanOrders(task);
    if (orders < this.settings.poolMinLines) return undefined;
    return Promise.all(tasks.map(async (task) => decodePortraitCounts(await runPortrait(task, signal)).counts));
  }

  /**
   * The whole-store phase's scans (ExecutionQuery.prefetch: `<score>` values
   * not cached), one message each, all at once, when they read at least
   * poolMinLines rows in all (else here, in time slices, runPrefetchHere);
   * results decoded a message at a time under the time slice.
   */
  private async runValuesInPool(query: ExecutionQuery): Promise<void> {
    const work = query.prefetch ?? [];
    const runValues = this.pool.runValues?.bind(this.pool);
    if (work.length === 0) return;
    if (runValues === undefined) return runPrefetchHere(query);
    let rows = 0;
    for (const w of work) rows += valuesTaskRows(w.task);
    if (rows < this.settings.poolMinLines) return runPrefetchHere(query);
    const replies = work.map((w) => {
      const reply = runValues(w.task, query.signal);
      reply.catch(() => undefined); // awaited below; not unhandled meanwhile
      return reply;
    });
    const settled = await Promise.allSettled(replies);
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    for (const [i, w] of work.entries()) {
      await query.slice.maybePause();
      const { values, timeMs } = decodeValues((settled[i] as PromiseFulfilledResult<ArrayBuffer>).value);
      w.done(values, timeMs);
      addTime(query.stats, w.node, timeMs);
    }
  }

  /**
   * Every `<sequence>` of the plan (exec/sequence-task.ts), prepared here
   * (candidates first), one message per shard, all shards at once, when
   * their walks read at least poolMinLines rows in all; below that the
   * evaluation runs them here, in time slices. Their results join the
   * `<bought>` ones (a new map per shard when there are none).
   */
  private async runSequencesInPool(
    query: ExecutionQuery, precomputed: Map<PlanNode, Bitmap>[] | undefined,
  ): Promise<Map<PlanNode, Bitmap>[] | undefined> {
    const nodes = query.sequenceNodes ?? [];
    const runSequences = this.pool.runSequences?.bind(this.pool);
    if (nodes.length === 0 || runSequences === undefined) return precomputed;
    const { shards, evaluations, catalog, slice, stats, signal } = query;
    const perShard: { tasks: SequenceTask[]; taskNodes: PlanNode[]; none: PlanNode[] }[] = [];
    let rows = 0;
    for (const [i, shard] of shards.entries()) {
      const s = { tasks: [] as SequenceTask[], taskNodes: [] as PlanNode[], none: [] as PlanNode[] };
      for (const node of nodes) {
        await slice.maybePause();
        const candidates = evaluations[i]!.candidates(node);
        const task = candidates === 'none' ? undefined : prepareSequence(node, shard, catalog, candidates);
        if (task === undefined) {
          s.none.push(node);
          continue;
        }
        rows += sequenceTaskRows(task);
        s.tasks.push(task), s.taskNodes.push(node);
      }
      perShard.push(s);
    }
    if (rows < this.settings.poolMinLines) return precomputed;
    const results = precomputed ?? shards.map(() => new Map<PlanNode, Bitmap>());
    const sent: { shard: number; nodes: PlanNode[]; reply: Promise<ArrayBuffer> }[] = [];
    for (const [i, s] of perShard.entries()) {
      for (const node of s.none) results[i]!.set(node, new Bitmap());
      if (s.tasks.length === 0) continue;
      const reply = runSequences(s.tasks, signal);
      reply.catch(() => undefined); // awaited below; not unhandled meanwhile
      sent.push({ shard: i, nodes: s.taskNodes, reply });
    }
    const settled = await Promise.allSettled(sent.map((m) => m.reply));
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    for (const [j, m] of sent.entries()) {
      await slice.maybePause();
      decodeResults((settled[j] as PromiseFulfilledResult<ArrayBuffer>).value).forEach(({ members, timeMs }, k) => {
        results[m.shard]!.set(m.nodes[k]!, members);
        addTime(stats, m.nodes[k]!, timeMs);
      });
    }
    return results;
  }

  /**
   * Every `<bought>` of the plan, in pool messages per shard, all shards at
   * once. Undefined (evaluate in-process) when the query scans fewer than
   * `poolMinLines` order lines in all: then a round trip to the workers
   * costs more than the scan.
   */
  private async runBoughtInPool(query: ExecutionQuery): Promise<Map<PlanNode, Bitmap>[] | undefined> {
    const { pool } = this;
    const { evaluations, signal, stats, slice, shards, catalog } = query;
    const nodes = query.boughtNodes;
    if (nodes.length === 0) return undefined;
    const results = shards.map(() => new Map<PlanNode, Bitmap>());
    let anyByDays = false;
    // prepared here, a node at a time, with a turn for the event loop whenever the slice is spent
    const perShard: { shard: Shard; tasks: BoughtTask[]; taskNodes: PlanNode[] }[] = [];
    for (const [i, shard] of shards.entries()) {
      const tasks: BoughtTask[] = [];
      const taskNodes: PlanNode[] = [];
      for (const node of nodes) {
        await slice.maybePause();
        const candidates = evaluations[i]!.candidates(node);
        const task = candidates === 'none' ? undefined : prepareBought(node, shard, catalog, `${this.settings.instance}:${i}`, candidates);
        if (!task) {
          results[i]!.set(node, new Bitmap());
          continue;
        }
        if (this.days.enabled) {
          // existence over many whole days: cached day buckets, here (small edge scans only, once warm)
          const started = performance.now();
          const byDays = evaluations[i]!.byDays(node, task);
          if (byDays) {
            results[i]!.set(node, byDays);
            addTime(stats, node, performance.now() - started);
            anyByDays = true;
            continue;
          }
        }
        tasks.push(task), taskNodes.push(node);
      }
      perShard.push({ shard, tasks, taskNodes });
    }
    // Complement tasks read live totals and return big member sets: below poolMinComplement
    // values read they run here (the round trip costs more), above it in the workers, through
    // the gate, which holds appends back until they are done (if an append waits: here, now).
    const work = (t: BoughtTask) => t.slices.reduce((n, sl) => n + sl.end - sl.start, 0) + (t.complement ? t.customerCount : 0);
    const pooled = (t: BoughtTask) => !t.complement || work(t) >= this.settings.poolMinComplement;
    let rows = 0;
    for (const { tasks } of perShard) for (const t of tasks) if (pooled(t)) rows += work(t);
    if (rows < this.settings.poolMinLines) {
      if (!anyByDays) return undefined;
      // some came from day buckets: keep them, scan the rest here
      for (const [i, s] of perShard.entries()) {
        for (const [k, task] of s.tasks.entries()) {
          await slice.maybePause();
          results[i]!.set(s.taskNodes[k]!, runInline(s.taskNodes[k]!, task, s.shard, stats));
        }
      }
      return results;
    }
    let gated = 0;
    try {
      for (const [i, s] of perShard.entries()) {
        const tasks: BoughtTask[] = [], taskNodes: PlanNode[] = [];
        for (const [k, task] of s.tasks.entries()) {
          const node = s.taskNodes[k]!;
          if (task.complement && (!pooled(task) || !this.gate.enter())) {
            await slice.maybePause();
            results[i]!.set(node, runInline(node, task, s.shard, stats));
            continue;
          }
          if (task.complement) gated++;
          tasks.push(task);
          taskNodes.push(node);
        }
        s.tasks = tasks;
        s.taskNodes = taskNodes;
      }
      // all ran here (appends were waiting): give the event loop a turn, as in-process evaluation does
      if (perShard.every((s) => s.tasks.length === 0)) await slice.pause();
      // A shard's tasks go in messages of at most TUNING.POOL_TASKS_PER_MESSAGE (a message is
      // serialised here, in one go), with a turn for the event loop between them.
      const sent: { shard: number; nodes: PlanNode[]; reply: Promise<ArrayBuffer> }[] = [];
      let settled: PromiseSettledResult<ArrayBuffer>[];
      try {
        for (const [i, { tasks, taskNodes }] of perShard.entries()) {
          for (let k = 0; k < tasks.length; k += TUNING.POOL_TASKS_PER_MESSAGE) {
            if (sent.length > 0) await slice.maybePause();
            const reply = pool.runEncoded(tasks.slice(k, k + TUNING.POOL_TASKS_PER_MESSAGE), signal);
            reply.catch(() => undefined); // awaited below; not unhandled meanwhile
            sent.push({ shard: i, nodes: taskNodes.slice(k, k + TUNING.POOL_TASKS_PER_MESSAGE), reply });
          }
        }
      } finally {
        // every message settles before the gate opens: one failing must not let an append under another's feet
        settled = await Promise.allSettled(sent.map((m) => m.reply));
      }
      for (const r of settled) if (r.status === 'rejected') throw r.reason;
      // decoded a message at a time, with a turn for the event loop whenever the slice is spent
      for (const [j, m] of sent.entries()) {
        await slice.maybePause();
        decodeResults((settled[j] as PromiseFulfilledResult<ArrayBuffer>).value).forEach(({ members, timeMs }, k) => {
          const node = m.nodes[k]!;
          results[m.shard]!.set(node, members);
          addTime(stats, node, timeMs);
        });
      }
    } finally {
      // also when a pause stopped the query before the pool ran: nothing of it is in flight then
      for (let k = 0; k < gated; k++) this.gate.exit();
    }
    return results;
  }
}

function runInline(node: PlanNode, task: BoughtTask, shard: Shard, stats: StatsByNode | undefined): Bitmap {
  const started = performance.now();
  const members = runBought(task, scratchFor(shard));
  addTime(stats, node, performance.now() - started);
  return members;
}
