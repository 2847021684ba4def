import fs from 'node:fs';
import { checkTz, resolveAsOf } from '../model/query-instant.js';
import os from 'node:os';
import { boughtNodeSteps, prefetchWork, sequenceNodes, ShardEvaluation } from '../language/evaluate.js';
import { candidateSourceSteps } from '../language/candidate-sources.js';
import { DayBucketCache } from '../exec/day-buckets.js';
import { DayBucketShards, type Executor } from '../exec/executor.js';
import { InProcessExecutor } from '../exec/in-process-executor.js';
import { PoolExecutor } from '../exec/pool-executor.js';
import type { StatsByNode } from '../exec/node-stats.js';
import { validateRecord } from '../ingest/validate-record.js';
import { AppendLog, type ReplayReport } from '../log/append-log.js';
import { StoreLock } from '../log/lock.js';
import { prepareDirectory } from '../log/store-path.js';
import { readMeta, readSavedSegments, writeMeta, writeSavedSegments } from '../log/store-files.js';
import { ShandianError } from '../model/errors.js';
import type { EngineRecord, InputRecord } from '../model/records.js';
import type { PlanNode } from '../plan/plan-node.js';
import { planSegment, planSegmentCooperatively, type PlanContext } from '../language/plan-segment.js';
import { TimeSlice } from './time-slice.js';
import { parseQueryText } from './parse-helper.js';
import type { SegmentNode } from '../query/ast/index.js';
import { collectRefs, parseSegment, type ParseLimits } from '../language/parse-segment.js';
import type { Manifest } from '../snapshot/manifest.js';
import { checkNoDataWithoutMeta, loadLatest, loadReadOnly } from './load-store.js';
import { writeSnapshot } from '../snapshot/write-snapshot.js';
import { Store } from '../store/store.js';
import { validateEngineOptions, validateQueryOptions, type EngineOptions, type QueryOptions } from './engine-options.js';
import { toExplainNode, type ExplainNode } from './explain-node.js';
import { CommitQueue, type CommitResult } from './commit-queue.js';
import { Segment } from './segment.js';
import { Admission } from './admission.js';
import { QueryPool } from './query-pool.js';
import { TotalsGate } from './totals-gate.js';
import { storeStats } from './store-stats.js';
import { engineDefault } from '../model/defaults.js';
import { ClusterEngine, type ClusterEngineOptions } from '../backends/clickhouse/cluster/cluster-engine.js';
import { LiveSegments, type ChangesOptions } from '../live/live-segments.js';
import { FeedLog, type FeedReplay } from '../live/feed-log.js';
import { MemoryFeed } from '../live/memory-feed.js';
import type { LiveChange } from '../live/feed-frame.js';
import { parseDimensions, type PortraitBy } from '../portrait/dimension.js';
import { computePortrait, type SegmentPart } from '../portrait/compute-portrait.js';
import type { PortraitResult } from '../portrait/portrait-result.js';

export interface ExplainResult {
  count: number;
  timeMs: number;
  asOf: string;
  tz: string;
  plan: ExplainNode;
}

/**
 * The embeddable engine: one merchant's store, its log, and the query path.
 * Appends are serialised (validate, log, apply); queries run against the
 * state left by every append that has resolved, so a query started after
 * `append` resolved sees its records.
 */
export class Engine {
  private closed = false;
  private readOnly = false;
  /** appends and snapshots, in call order, with group commit */
  private readonly commits: CommitQueue;
  private snapshotQueued = false;
  /** where the plan's work runs: worker threads for `<bought>` conditions, or all in-process (exec/executor.ts) */
  private readonly executor: Executor;
  /** complement tasks in workers vs appends (see totals-gate.ts) */
  private readonly totalsGate = new TotalsGate();
  private readonly admission: Admission;
  /** distinguishes engines in one process for the workers' scratch areas */
  private readonly instance = nextInstance++;
  /** live segments and their change feed (src/live/); set by openLive */
  private live!: LiveSegments;
  private liveTimer: NodeJS.Timeout | undefined;
  private readonly clock: () => number;
  private readonly liveIntervalMs: number;

  private constructor(
    private readonly store: Store,
    private readonly log: AppendLog | undefined,
    private readonly lock: StoreLock | undefined,
    private readonly dir: string | undefined,
    private readonly tz: string | undefined,
    private readonly limits: Partial<ParseLimits> | undefined,
    /** saved segments, name -> XML: a Map, so `__proto__` or `constructor` is just a name */
    private readonly saved: Map<string, string>,
    /** what the last open replayed (frames, records, a torn tail cut off) */
    readonly recovery: ReplayReport | undefined,
    options: EngineOptions,
  ) {
    const cores = os.availableParallelism();
    const threads = options.threads ?? engineDefault('threads', { cores });
    const dayBytes = options.dayBucketBytes ?? engineDefault('dayBucketBytes', { cores });
    const days = new DayBucketShards(dayBytes, store.shards.length, options.dayBucketMinRows, (bytes, minRows) => new DayBucketCache(bytes, minRows));
    const pool = QueryPool.create(threads);
    this.executor = pool
      ? new PoolExecutor(pool, this.totalsGate, days, {
        poolMinLines: options.poolMinLines ?? engineDefault('poolMinLines', { cores }),
        poolMinComplement: options.poolMinComplement ?? engineDefault('poolMinComplement', { cores }),
        instance: this.instance,
      })
      : new InProcessExecutor(days);
    this.admission = new Admission(options.maxConcurrentQueries ?? engineDefault('maxConcurrentQueries', { cores, threads }),
      options.maxQueuedQueries ?? engineDefault('maxQueuedQueries', { cores }));
    this.commits = new CommitQueue(store, log, () => this.admission.starving, this.totalsGate);
    this.clock = options.clock ?? Date.now;
    this.liveIntervalMs = options.liveIntervalMs ?? engineDefault('liveIntervalMs', { cores: 0 });
  }

  /**
   * Live segments (contract 8.3): the feed replayed into their definitions
   * and kept membership; a writer then records what the feed missed (a
   * crash between an append's log write and its feed write) and starts the
   * time refresh timer.
   */
  private async openLive(durability: EngineOptions['durability'], dir = this.dir): Promise<void> {
    const host = {
      store: this.store,
      clock: () => this.clock(),
      tz: this.tz ?? 'UTC',
      parse: (xml: string) => parseSegment(xml, this.limits),
      savedXml: (name: string) => this.saved.get(name),
      plan: (ast: SegmentNode, asOfMs: number, tz: string) => this.plan(ast, asOfMs, tz),
      dayBuckets: (shard: Store['shards'][number]) => this.executor.dayBuckets(shard),
    };
    this.live = new LiveSegments(host, !this.readOnly);
    if (dir === undefined) this.live.attach(new MemoryFeed());
    else {
      const { feed, report } = FeedLog.open(dir, durability ?? engineDefault('durability', { cores: 0 }), this.readOnly, (frame) => this.live.replay(frame));
      this.live.attach(feed);
      this.feedReport = report;
    }
    if (this.readOnly) return;
    this.commits.afterApply = (batches) => this.live.afterApply(batches);
    if (this.live.size > 0) await this.commits.exclusive(() => this.live.recover());
    this.liveTimer = setInterval(() => {
      if (this.closed || this.live.size === 0 || this.refreshing) return;
      this.refreshing = true;
      void this.refreshLive().catch(() => undefined).finally(() => (this.refreshing = false));
    }, this.liveIntervalMs);
    this.liveTimer.unref();
  }

  private refreshing = false;

  /**
   * Records the live segments' time changes (windows that slid, periods
   * that ended) now, instead of at the next tick of liveIntervalMs.
   */
  async refreshLive(): Promise<void> {
    this.assertOpen();
    if (this.readOnly) throw new ShandianError('E_BAD_ARGS', 'this engine was opened read-only', {}, 'open it without readOnly to refresh live segments');
    await this.commits.exclusive(() => this.live.refresh());
  }

  /**
   * The change feed of a live segment: changes with seq > `after` (default
   * 0), in seq order; with `follow`, then new ones as they are recorded
   * until `signal` aborts.
   */
  changes(name: string, options: ChangesOptions = {}): AsyncIterable<LiveChange> {
    this.assertOpen();
    return this.live.changes(name, options ?? {}, (n) => this.saved.has(n));
  }

  private feedReport: FeedReplay | undefined;

  /** What the last open read of the change feed (frames, changes, last seq, a torn tail cut off or, read-only, ignored); undefined in memory. */
  get feedRecovery(): Readonly<FeedReplay> | undefined {
    return this.feedReport;
  }

  /** The seq of the last change in the feed (0: none yet): a consumer that has processed it is up to date. */
  get lastChangeSeq(): number {
    return this.live.feed.nextSeq - 1;
  }

  /** Bytes the change feed wrote since open (the live benchmark's write amplification). */
  get feedBytesWritten(): number {
    return this.live.feed.written;
  }

  /** Bytes of memory the live segments' per-customer order index holds (docs/live-segments.md, "What it costs"; 0 without live segments). */
  get liveIndexBytes(): number {
    return this.live.indexBytes;
  }

  /** `{ clickhouse: { urls, cluster, database } }`: the ClickHouse backend (contract 9, src/backends/clickhouse/cluster/), not an Engine. */
  static open(options: ClusterEngineOptions): Promise<ClusterEngine>;
  static open(options?: EngineOptions): Promise<Engine>;
  static async open(options: EngineOptions | ClusterEngineOptions = {}): Promise<Engine | ClusterEngine> {
    if (options !== null && typeof options === 'object' && 'clickhouse' in options) return ClusterEngine.open(options);
    options = validateEngineOptions(options); // every option, in one place (engine-options.ts), before anything is touched
    const requestedShards = options.shards ?? engineDefault('shards', { cores: os.availableParallelism() });
    if (options.dir === undefined) {
      const engine = new Engine(new Store(requestedShards), undefined, undefined, undefined, options.tz, options.limits, new Map(), undefined, options);
      await engine.openLive(options.durability);
      return engine;
    }
    const dir = options.dir;
    if (options.readOnly) return Engine.openReadOnly(dir, options);
    prepareDirectory(dir, 'dir'); // a file, /proc or an unwritable parent is E_BAD_ARGS, never a raw EEXIST or a spinning mkdir
    const lock = StoreLock.acquire(dir);
    try {
      let meta = readMeta(dir);
      if (meta && options.shards !== undefined && options.shards !== meta.shards) {
        throw new ShandianError('E_BAD_ARGS', `the store at ${dir} was created with ${meta.shards} shards, not ${options.shards}`,
          {}, 'leave the shard count out when opening an existing store');
      }
      if (!meta) {
        checkNoDataWithoutMeta(dir); // data without meta.json is a damaged store, not a new one
        meta = { format: 1, shards: requestedShards, ...(options.tz ? { tz: options.tz } : {}) };
        new Store(meta.shards); // validates the count before anything is written
        writeMeta(dir, meta);
      }
      const { store, nextLogSegment } = loadLatest(dir, meta.shards);
      const { log, report } = AppendLog.open(dir, options.durability ?? engineDefault('durability', { cores: 0 }), (records) => store.apply(records), { fromSegment: nextLogSegment });
      const engine = new Engine(store, log, lock, dir, options.tz ?? meta.tz, options.limits, readSavedSegments(dir), report, options);
      try {
        await engine.openLive(options.durability);
      } catch (e) {
        clearInterval(engine.liveTimer);
        log.close();
        await engine.executor.close();
        throw e;
      }
      return engine;
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  private static async openReadOnly(dir: string, options: EngineOptions): Promise<Engine> {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
      throw new ShandianError('E_BAD_ARGS', `${dir} is a file, not a store directory`, { file: dir }, 'pass the directory given to ingest --data');
    }
    const meta = readMeta(dir);
    if (!meta) {
      throw new ShandianError('E_BAD_ARGS', `no shandian store at ${dir}`, { file: dir }, 'create one with shandian ingest --data DIR FILE...');
    }
    // retried (bounded) when a writer's snapshot removes files under this open
    const { store, report } = await loadReadOnly(dir, meta.shards);
    const engine = new Engine(store, undefined, undefined, undefined, options.tz ?? meta.tz, options.limits, readSavedSegments(dir), report, options);
    engine.readOnly = true;
    try {
      await engine.openLive('none', dir);
    } catch (e) {
      await engine.executor.close();
      throw e;
    }
    return engine;
  }

  /** Number of known customers, orders (incl. refunded) and order lines. */
  get size(): { customers: number; orders: number; lines: number; shards: number } {
    return { customers: this.store.customerCount, orders: this.store.orderCount, lines: this.store.lineCount, shards: this.store.shardCount };
  }

  /**
   * Validates and applies records (the contract's NDJSON shape) all or
   * nothing: one bad record rejects the whole call with E_BAD_RECORD naming
   * its index, and nothing is applied. Resolves once durable and visible.
   * Typed as the contract's records; still checked at run time (JS callers).
   */
  async append(records: InputRecord | readonly InputRecord[]): Promise<{ applied: number }> {
    const list: readonly unknown[] = Array.isArray(records) ? records : [records];
    const valid = list.map((raw, i) => {
      try {
        return validateRecord(raw); // strict: a ts needs an offset (only file ingest with an explicit --tz reads local times)
      } catch (e) {
        throw relocate(e, i);
      }
    });
    return this.appendValid(valid);
  }

  /** Appends records that already passed `validateRecord`, all or nothing. */
  async appendValid(records: readonly EngineRecord[]): Promise<{ applied: number }> {
    const { applied, refused } = await this.appendChecked(records, false);
    if (refused) throw relocate(refused.error, refused.index);
    return { applied };
  }

  /**
   * Appends the longest prefix of `records` the store accepts (file ingest:
   * "the records before a bad one stay applied") and returns the first
   * refused record, if any. Checked and applied in one step of the append
   * chain, so no other append can slip in between.
   */
  appendValidPrefix(records: readonly EngineRecord[]): Promise<{ applied: number; refused?: { index: number; error: ShandianError } }> {
    return this.appendChecked(records, true);
  }

  /**
   * Appends the records the store accepts as one batch and returns the ones
   * it refused (duplicate order_id, refund of an unknown order) with their
   * index: file ingest with --skip-bad, where a bad record must not split
   * the batch around it.
   */
  appendSkippingRefused(records: readonly EngineRecord[]): Promise<{ applied: number; skipped?: { index: number; error: ShandianError }[] }> {
    return this.appendChecked(records, true, true);
  }

  private async appendChecked(records: readonly EngineRecord[], keepPrefix: boolean, skipRefused = false): Promise<CommitResult> {
    this.assertOpen();
    if (this.readOnly) throw new ShandianError('E_BAD_ARGS', 'this engine was opened read-only', {}, 'open it without readOnly to append');
    const result = await this.commits.append(records, keepPrefix, skipRefused);
    // size policy: a long-running writer snapshots by itself, so reopening never replays much
    if (this.log && this.log.bytesSinceSnapshot >= AUTO_SNAPSHOT_BYTES && !this.snapshotQueued) {
      this.snapshotQueued = true;
      void this.commits.exclusive(() => this.snapshotNow()).finally(() => (this.snapshotQueued = false)).catch(() => undefined);
    }
    return result;
  }

  async query(xml: string, options: QueryOptions = {}): Promise<Segment> {
    return (await this.run(xml, options, undefined)).segment;
  }

  /**
   * A portrait of the segment (contract 8.2, src/portrait/): per dimension
   * of `by`, its members' buckets with exact counts. Every dimension is
   * checked before anything runs; the counts are taken in the same hold of
   * the store as the query's members: attribute and tag buckets on this
   * thread in time slices, order dimensions' scans in the worker pool when
   * they read at least poolMinLines orders (else here too).
   */
  async portrait(xml: string, options: QueryOptions & PortraitBy): Promise<PortraitResult> {
    const { by, ...query } = (options ?? {}) as Partial<PortraitBy> & QueryOptions;
    const dimensions = parseDimensions(by);
    const executor = this.executor;
    const { extra } = await this.run(xml, query, undefined, (parts, { asOfMs, tz, slice, signal, poolError }) =>
      computePortrait({ dimensions, parts, catalog: this.store.catalog, asOfMs, tz }, {
        steps: (steps) => slice.run(steps),
        scans: executor.portraitScans && ((tasks) => executor.portraitScans!(tasks, signal)?.catch((e: unknown) => {
          throw poolError(e);
        })),
      }));
    return extra!;
  }

  async explain(xml: string, options: QueryOptions = {}): Promise<ExplainResult> {
    const stats: StatsByNode = new Map();
    const started = performance.now();
    const { segment, plan, asOfMs, tz } = await this.run(xml, options, stats);
    return {
      count: segment.count,
      timeMs: Math.round((performance.now() - started) * 1000) / 1000,
      asOf: new Date(asOfMs).toISOString(),
      tz,
      plan: toExplainNode(plan, stats),
    };
  }

  /**
   * Parse, plan, admit, then hand the plan to the executor (exec/executor.ts:
   * which shard work runs where) and merge its shards' members. Admission
   * control bounds how many queries run and wait; `signal` and `timeoutMs`
   * stop a query.
   */
  private async run<T = undefined>(xml: string, options: QueryOptions, stats: StatsByNode | undefined,
    /** more work on the members inside the same hold of the store (a portrait) */
    within?: (parts: SegmentPart[], at: { asOfMs: number; tz: string; slice: TimeSlice; signal: AbortSignal | undefined; poolError: (e: unknown) => unknown }) => Promise<T>) {
    this.assertOpen();
    options = validateQueryOptions(options);
    const signal = querySignal(options);
    // The query runs on this thread in time slices (engine/time-slice.ts): between
    // steps it gives the event loop a turn once YIELD_BUDGET_MS are spent, and
    // stops there when the signal aborted or the deadline passed.
    const deadline = options.timeoutMs === undefined ? Infinity : performance.now() + options.timeoutMs;
    const slice = new TimeSlice(() => {
      throwIfAborted(signal, options.timeoutMs);
      if (performance.now() >= deadline) throw timedOut(options.timeoutMs);
    }, () => this.admission.pausing());
    slice.checkNow();
    // a big text is parsed on a helper thread (one synchronous pass of the XML parser)
    const ast = await parseQueryText(xml, this.limits, signal).catch((e) => {
      throw asTimeout(e, signal, options.timeoutMs);
    });
    // caller options are checked even when the segment's own attributes win
    const now = this.clock();
    const callerAsOf = options.asOf === undefined ? now : resolveAsOf(options.asOf);
    const callerTz = checkTz(options.tz);
    const asOfMs = ast.asOfMs ?? callerAsOf;
    const tz = ast.tz ?? callerTz ?? this.tz ?? 'UTC';
    await slice.maybePause();
    // a <ref> to a live segment at now in its zone: its kept membership (contract 8.3)
    const live = { nowMs: now, kept: (name: string) => this.live?.kept(name) };
    const plan = await planSegmentCooperatively(ast, { ...this.planContext(asOfMs, tz), live }, slice);
    // the plan's walks, in steps too (a 20,000-branch plan takes milliseconds each)
    const bought = await slice.run(boughtNodeSteps(plan));
    await slice.run(candidateSourceSteps(plan)); // cached for the evaluations
    const leave = await this.admission.enter(signal).catch((e) => {
      throw asTimeout(e, signal, options.timeoutMs);
    });
    // no append applies between this query's steps: every shard and node sees one state
    const holdStill = await this.totalsGate.read();
    try {
      const { shards, catalog } = this.store;
      const evaluations = shards.map((shard) => new ShardEvaluation(plan, shard, catalog, stats, this.executor.dayBuckets(shard), shards));
      const members = await this.executor.run({
        plan, boughtNodes: bought, sequenceNodes: sequenceNodes(plan), shards, catalog, evaluations, signal, stats, slice, prefetch: prefetchWork(plan, shards, catalog),
        poolError: (e) => asTimeout(e, signal, options.timeoutMs),
      });
      const parts = shards.map((shard, i) => ({ shard, members: members[i]! }));
      const extra = within ? await within(parts, { asOfMs, tz, slice, signal, poolError: (e) => asTimeout(e, signal, options.timeoutMs) }) : undefined;
      return { segment: new Segment(parts, catalog), plan, asOfMs, tz, extra };
    } finally {
      holdStill();
      leave();
    }
  }


  /** `segments`: the saved segments refs resolve against (save plans against the map it is about to write). */
  private plan(ast: SegmentNode, asOfMs: number, tz: string, segments: ReadonlyMap<string, string> = this.saved): PlanNode {
    return planSegment(ast, this.planContext(asOfMs, tz, segments));
  }

  private planContext(asOfMs: number, tz: string, segments: ReadonlyMap<string, string> = this.saved): PlanContext {
    return {
      asOfMs,
      tz,
      stats: storeStats(this.store),
      loadSegment: (name) => {
        const xml = segments.get(name);
        if (xml === undefined) throw this.unknownSegment(name);
        return parseSegment(xml, this.limits);
      },
    };
  }

  /** E_UNKNOWN_SEGMENT listing what is saved now (never a name whose save is still being checked). */
  private unknownSegment(name: string): ShandianError {
    return new ShandianError('E_UNKNOWN_SEGMENT', `no saved segment named ${JSON.stringify(name)}`, {},
      `save it first (shandian save --name ${name} ...); saved: ${[...this.saved.keys()].join(', ') || 'none'}`);
  }

  /**
   * Saves a segment for `<ref segment="name">`. The XML is checked now,
   * including its refs (unknown names and cycles are refused).
   */
  async save(name: string, xml: string, options: { live?: boolean } = {}): Promise<void> {
    this.assertOpen();
    if (this.readOnly) throw new ShandianError('E_BAD_ARGS', 'this engine was opened read-only', {}, 'open it without readOnly to save');
    if (typeof name !== 'string' || name.length === 0) {
      throw new ShandianError('E_BAD_ARGS', 'a saved segment needs a non-empty name');
    }
    const live = options?.live ?? false;
    if (typeof live !== 'boolean') throw new ShandianError('E_BAD_ARGS', `save option live must be true or false, got ${String(live)}`);
    const ast = parseSegment(xml, this.limits);
    if (live && ast.asOfMs !== undefined) {
      throw new ShandianError('E_CONFLICT', 'a live segment cannot have an asOf attribute: it is evaluated at now', ast.pos,
        'remove asOf from <segment>, or save it without live');
    }
    // in the append chain: a live segment's evaluation and its changes are ordered with appends
    await this.commits.exclusive(async () => {
      const next = new Map(this.saved).set(name, xml);
      // plan it once through the ref machinery, against the segments as they would be, to refuse unknown refs and cycles
      this.plan({ kind: 'segment', children: [{ kind: 'ref', segment: name, pos: ast.pos }], pos: ast.pos }, Date.now(), this.tz ?? 'UTC', next);
      if (this.dir !== undefined) writeSavedSegments(this.dir, next); // durable before it is visible
      this.saved.set(name, xml);
      await this.live.define(name, live ? xml : null); // live: its members as entered (or the difference), in the feed
    });
  }

  /** Saved segments with their XML, in the order they were first saved. */
  segments(): { name: string; xml: string }[] {
    return [...this.saved].map(([name, xml]) => ({ name, xml }));
  }

  /**
   * Deletes a saved segment, durably (like save). Refused with E_CONFLICT
   * while another saved segment refers to it; E_UNKNOWN_SEGMENT when there
   * is no such segment.
   */
  async deleteSegment(name: string): Promise<void> {
    this.assertOpen();
    if (this.readOnly) throw new ShandianError('E_BAD_ARGS', 'this engine was opened read-only', {}, 'open it without readOnly to delete a segment');
    if (typeof name !== 'string' || name.length === 0) {
      throw new ShandianError('E_BAD_ARGS', 'deleteSegment needs the non-empty name of a saved segment');
    }
    if (!this.saved.has(name)) throw this.unknownSegment(name);
    const referrers = [...this.saved]
      .filter(([other, xml]) => other !== name && collectRefs(parseSegment(xml, this.limits)).includes(name))
      .map(([other]) => JSON.stringify(other));
    if (referrers.length > 0) {
      throw new ShandianError('E_CONFLICT', `saved segment ${JSON.stringify(name)} is used by saved segment${referrers.length > 1 ? 's' : ''} ${referrers.join(', ')}`, {},
        `delete ${referrers.length > 1 ? 'those' : 'that one'} first, or save ${referrers.length > 1 ? 'them' : 'it'} again without <ref segment=${JSON.stringify(name)}/>`);
    }
    await this.commits.exclusive(async () => {
      const next = new Map(this.saved);
      next.delete(name);
      if (this.dir !== undefined) writeSavedSegments(this.dir, next);
      this.saved.delete(name);
      await this.live.define(name, null); // no longer live (its history stays in the feed)
    });
  }

  /** Reads what opening left for later (the order-id directory), so every store file has been checked. */
  verifyAll(): void {
    void this.store.orders;
  }

  /** Names of saved segments. */
  savedSegments(): string[] {
    return [...this.saved.keys()];
  }

  /**
   * Writes a snapshot of the whole store and drops the log it covers, so the
   * next open loads columns instead of replaying records. Runs in the append
   * chain: appends wait for it, queries do not.
   */
  async snapshot(): Promise<Manifest | undefined> {
    this.assertOpen();
    return this.commits.exclusive(() => this.snapshotNow());
  }

  private snapshotNow(): Manifest | undefined {
    if (!this.log || this.dir === undefined) return undefined;
    const next = this.log.startNewSegment();
    const manifest = writeSnapshot(this.dir, this.store, next);
    this.log.dropSegmentsCoveredBy(manifest); // only what the durable manifest says it covers
    return manifest;
  }

  /** Closes the store; snapshots first when the log has grown past the policy's threshold. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true; // refuse new work; what is queued still completes
    clearInterval(this.liveTimer);
    await this.commits.drain();
    this.live?.close();
    if (this.log && this.log.bytesSinceSnapshot >= SNAPSHOT_ON_CLOSE_BYTES) this.snapshotNow();
    this.log?.close();
    this.lock?.release();
    await this.executor.close();
  }

  /** The worker pool's threads (tests kill one to check recovery). */
  get workerThreads(): readonly { terminate(): Promise<number> }[] {
    return this.executor.workers;
  }

  private assertOpen(): void {
    if (this.closed) throw new ShandianError('E_CLOSED', 'the engine is closed', {}, 'open it again with Engine.open');
  }
}

/** Snapshot on close once the log after the last snapshot holds this much. */
const SNAPSHOT_ON_CLOSE_BYTES = 4 * 1024 * 1024;
/** Snapshot while appending once the log after the last snapshot holds this much. */
const AUTO_SNAPSHOT_BYTES = 256 * 1024 * 1024;

function relocate(e: unknown, index: number): unknown {
  if (e instanceof ShandianError && e.code === 'E_BAD_RECORD') {
    return new ShandianError(e.code, `record ${index}: ${e.reason}`, { ...e.where, line: e.where.line ?? index + 1 }, e.hint);
  }
  return e;
}


let nextInstance = 0;

/** The caller's signal combined with the query's timeout. */
function querySignal(options: QueryOptions): AbortSignal | undefined {
  const { signal, timeoutMs } = options;
  if (timeoutMs === undefined) return signal;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ShandianError('E_BAD_ARGS', `timeoutMs must be a positive number, got ${timeoutMs}`);
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** The query's own deadline passed. */
function timedOut(timeoutMs: number | undefined): ShandianError {
  return new ShandianError('E_TIMEOUT', `the query took longer than ${timeoutMs} ms`, {}, 'narrow the query, or raise timeoutMs');
}

function throwIfAborted(signal: AbortSignal | undefined, timeoutMs?: number): void {
  if (signal?.aborted) throw asTimeout(signal.reason, signal, timeoutMs);
}

/** Aborts keep their AbortError (ABORT_ERR); the query's own deadline becomes E_TIMEOUT. */
function asTimeout(e: unknown, signal: AbortSignal | undefined, timeoutMs: number | undefined): unknown {
  const reason = signal?.aborted ? signal.reason : e;
  if (reason instanceof DOMException && reason.name === 'TimeoutError') {
    return timedOut(timeoutMs);
  }
  if (signal?.aborted) {
    return reason instanceof Error ? reason : new DOMException('The query was aborted', 'AbortError');
  }
  return e;
}

