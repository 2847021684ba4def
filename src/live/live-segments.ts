import { setTimeout as sleep } from 'node:timers/promises';
import type { DayBucketCache } from '../exec/day-buckets.js';
import type { KeptMembership } from '../elements/definition.js';
import { Bitmap } from '../index/bitmap.js';
import { Scratch } from '../exec/scratch.js';
import { lendScratch } from '../exec/shard-scratch.js';
import { ShardEvaluation } from '../language/evaluate.js';
import { collectRefs } from '../language/parse-segment.js';
import { fail, ShandianError } from '../model/errors.js';
import type { EngineRecord } from '../model/records.js';
import type { PlanNode } from '../plan/plan-node.js';
import type { SegmentNode } from '../query/ast/index.js';
import { shardOf } from '../store/route.js';
import type { Shard } from '../store/shard.js';
import type { Store } from '../store/store.js';
import { changeCount, frameChanges, type ChangeCause, type FeedFrame, type LiveChange, type SegmentChanges } from './feed-frame.js';
import { CustomerOrders, type CustomerRuns } from './customer-orders.js';
import { addReads, lineReach, markStore, roundOf, screen, type PlanReads, type StoreMark } from './round-screen.js';
import { evaluateDirect, isDirect, positionsOf } from './direct-evaluation.js';
import { movesAmong, NO_MOVES } from './moves-among.js';
import { RoundBuffers } from './round-buffers.js';
import { touchedShard } from './touched-shard.js';
import type { Feed } from './memory-feed.js';
import { analyse, timeDue, type LiveAnalysis } from './time-dependence.js';

/** What the live segments ask of the engine. */
export interface LiveHost {
  readonly store: Store;
  /** now, epoch ms */
  clock(): number;
  /** the store's zone (a segment's own `tz` wins) */
  readonly tz: string;
  parse(xml: string): SegmentNode;
  /** the saved segment's XML now (undefined: not saved) */
  savedXml(name: string): string | undefined;
  plan(ast: SegmentNode, asOfMs: number, tz: string): PlanNode;
  dayBuckets(shard: Shard): DayBucketCache | undefined;
}

interface LiveState {
  xml: string;
  ast: SegmentNode;
  tz: string;
  analysis: LiveAnalysis;
  /** the instant of its last full evaluation (time changes before it are recorded) */
  checkedAt: number;
}

export interface ChangesOptions {
  after?: number;
  follow?: boolean;
  signal?: AbortSignal;
}

/**
 * The live segments of one engine: their definitions and kept membership
 * (per shard, as bitmaps of shard-local customers), rebuilt from the feed
 * on open; the changes an append, a save or the passing of time makes to
 * them, written to the feed (feed-log.ts) in the same commit round.
 */
export class LiveSegments {
  /** live segments by name (definition order) */
  private readonly live = new Map<string, LiveState>();
  /** kept membership of every segment the feed ever had live, by name: per shard */
  private readonly members = new Map<string, Bitmap[]>();
  /** the instant of the feed's last frame */
  private lastAt = 0;
  /** per shard: each customer's orders (touched-shard.ts), built on the first append with a live segment */
  private readonly customerOrders: (CustomerOrders | undefined)[] = [];
  /** every name the feed ever defined (changes() of a segment no longer live still reads its history) */
  private readonly known = new Set<string>();

  /** the feed (attach) */
  feed!: Feed;

  constructor(private readonly host: LiveHost, private readonly keepMembers: boolean) {
    this.mark = markStore(host.store);
  }

  private closed = false;

  /** Stops followers (they end after what is written) and closes the feed. */
  close(): void {
    this.closed = true;
    this.feed?.close();
  }

  /** The feed, after it replayed its frames through `replay`. */
  attach(feed: Feed): void {
    this.feed = feed;
  }

  /** One frame of the feed on open: definitions, then membership. */
  replay(frame: FeedFrame): void {
    for (const d of frame.defines ?? []) {
      this.known.add(d.segment);
      if (d.xml === null) this.live.delete(d.segment);
      else this.live.set(d.segment, this.state(d.xml, frame.at));
    }
    this.lastAt = Math.max(this.lastAt, frame.at);
    if (!this.keepMembers) return;
    const { store } = this.host;
    for (const c of frame.changes) {
      const sets = this.membersOf(c.segment);
      const local = (id: string): [number, number] => {
        const s = shardOf(id, store.shardCount);
        const l = store.shards[s]!.customers.lookup(id);
        if (l === undefined) throw fail.corrupt(`the change feed names customer ${JSON.stringify(id)}, who is not in the store`, {}, 'restore the store from a backup');
        return [s, l];
      };
      for (const id of c.entered) {
        const [s, l] = local(id);
        sets[s]!.add(l);
      }
      for (const id of c.exited) {
        const [s, l] = local(id);
        sets[s]!.remove(l);
      }
    }
  }

  get size(): number {
    return this.live.size;
  }

  isLive(name: string): boolean {
    return this.live.has(name);
  }

  /** A definition the engine reads at open (its analysis re-done, refs as saved now). */
  private state(xml: string, at: number): LiveState {
    const ast = this.host.parse(xml);
    return { xml, ast, tz: ast.tz ?? this.host.tz, analysis: this.analyse(ast), checkedAt: at };
  }

  private analyse(ast: SegmentNode): LiveAnalysis {
    try {
      return analyse(ast, (name) => {
        const xml = this.host.savedXml(name);
        if (xml === undefined) throw fail.internal(`live segment refers to unsaved segment ${name}`);
        return this.host.parse(xml);
      });
    } catch {
      // a ref that is not saved (a read-only open racing a writer): assume the worst
      return { offsets: [0], blind: true, fullOnData: true };
    }
  }

  private membersOf(name: string): Bitmap[] {
    let sets = this.members.get(name);
    if (!sets) {
      sets = this.host.store.shards.map(() => new Bitmap());
      this.members.set(name, sets);
    }
    while (sets.length < this.host.store.shards.length) sets.push(new Bitmap());
    return sets;
  }

  /**
   * After open: the feed may lag the store (a crash after an append's log
   * write and before its feed write, or after segments.json and before the
   * definition's frame). Each live segment is evaluated on the recovered
   * store and the difference recorded, so the feed's members are its
   * members again: first at the feed's last instant (cause data: records
   * whose changes were not written), then now (cause time).
   */
  async recover(): Promise<void> {
    const defines: { segment: string; xml: string | null }[] = [];
    for (const [name, state] of [...this.live]) {
      const xml = this.host.savedXml(name);
      if (xml === state.xml) continue;
      defines.push({ segment: name, xml: xml ?? null });
    }
    for (const d of defines) await this.define(d.segment, d.xml);
    if (this.live.size === 0) return;
    await this.evaluateAll(Math.min(this.lastAt, this.host.clock()), 'data', [...this.live.keys()]);
    await this.evaluateAll(this.host.clock(), 'time', [...this.live.keys()]);
    this.indexCustomerOrders();
  }

  /** Bytes the customer-grouped order indexes hold (the memory live segments add to appends). */
  get indexBytes(): number {
    return this.customerOrders.reduce((n, o) => n + (o?.bytes ?? 0), 0);
  }

  /**
   * The per-shard customer-grouped orders (customer-orders.ts) the rounds
   * copy from, built now (open, save) rather than in the first append's
   * round: one pass over the orders, a second or so at 10M lines.
   */
  private indexCustomerOrders(): void {
    if (this.live.size === 0 || !this.keepMembers) return;
    this.host.store.shards.forEach((shard, s) => (this.customerOrders[s] ??= new CustomerOrders()).sync(shard));
  }

  /**
   * A segment saved (xml) or made not live / deleted (null), and every live
   * segment that refers to it: evaluated in full now, the difference
   * recorded with cause saved, in one frame with the definition.
   */
  async define(name: string, xml: string | null): Promise<void> {
    const wasLive = this.live.get(name);
    if (xml !== null && wasLive?.xml === xml) return; // the same definition: nothing
    if (xml === null && !wasLive) {
      // a saved segment that is not live: the live ones referring to it changed definition
      const dependents = this.dependents(name);
      for (const other of dependents) this.live.get(other)!.analysis = this.analyse(this.live.get(other)!.ast);
      await this.evaluateAll(this.host.clock(), 'saved', dependents);
      return;
    }
    const now = this.host.clock();
    const next = new Map(this.live);
    if (xml === null) next.delete(name);
    else next.set(name, this.state(xml, now));
    // refs inside other live segments changed too: re-analyse them
    for (const [other, state] of next) if (other !== name) next.set(other, { ...state, analysis: this.analyse(state.ast) });
    const names = [...(xml === null ? [] : [name]), ...this.dependents(name).filter((n) => n !== name)];
    await this.evaluate(next, now, 'saved', names, [{ segment: name, xml }]);
    this.indexCustomerOrders();
  }

  /** Live segments that refer to `name`, directly or through other saved segments. */
  private dependents(name: string): string[] {
    const out: string[] = [];
    for (const [other, state] of this.live) {
      if (other === name) continue;
      const seen = new Set<string>();
      const stack = collectRefs(state.ast);
      while (stack.length > 0) {
        const r = stack.pop()!;
        if (seen.has(r)) continue;
        seen.add(r);
        const xml = this.host.savedXml(r);
        if (xml !== undefined) stack.push(...collectRefs(this.host.parse(xml)));
      }
      if (seen.has(name)) out.push(other);
    }
    return out;
  }

  /** Time: the live segments whose windows may have moved since they were checked, evaluated now (cause time). */
  async refresh(): Promise<void> {
    if (this.live.size === 0) return;
    const now = this.host.clock();
    const due: string[] = [];
    for (const [name, state] of this.live) {
      if (timeDue(this.host.store, state.analysis, state.checkedAt, now)) due.push(name);
      else state.checkedAt = Math.max(state.checkedAt, now);
    }
    await this.evaluateAll(now, 'time', due);
  }

  private evaluateAll(now: number, cause: ChangeCause, names: readonly string[]): Promise<void> {
    return this.evaluate(this.live, now, cause, names, undefined);
  }

  /** Full evaluations of `names` under the definitions `defs` at `now`; one frame; then the state moves to `defs`. */
  private async evaluate(defs: Map<string, LiveState>, now: number, cause: ChangeCause, names: readonly string[], defines: FeedFrame['defines']): Promise<void> {
    const changes: SegmentChanges[] = [];
    const results = new Map<string, Bitmap[]>();
    for (const name of names) {
      const state = defs.get(name)!;
      const plan = this.host.plan(state.ast, now, state.tz);
      const next = this.host.store.shards.map((shard) => new ShardEvaluation(plan, shard, this.host.store.catalog, undefined, this.host.dayBuckets(shard), this.host.store.shards).run());
      const old = this.membersOf(name);
      changes.push(this.diff(name, old, next));
      results.set(name, next);
    }
    await this.write({ seq: this.feed.nextSeq, at: now, cause, changes: changes.filter((c) => c.entered.length + c.exited.length > 0), ...(defines ? { defines } : {}) });
    // durable: now the state moves
    if (defs !== this.live) {
      this.live.clear();
      for (const [n, s] of defs) this.live.set(n, s);
    }
    for (const d of defines ?? []) this.known.add(d.segment);
    for (const [name, next] of results) {
      this.members.set(name, next);
      const state = this.live.get(name);
      if (state) state.checkedAt = Math.max(state.checkedAt, now);
    }
  }

  /** The changes of `name` from each shard's customers who entered and who exited. */
  private changesOf(name: string, entered: readonly Iterable<number>[], exited: readonly Iterable<number>[]): SegmentChanges {
    const out: SegmentChanges = { segment: name, entered: [], exited: [] };
    this.host.store.shards.forEach((shard, s) => {
      for (const l of entered[s]!) out.entered.push(shard.customers.value(l));
      for (const l of exited[s]!) out.exited.push(shard.customers.value(l));
    });
    return out;
  }

  /** The changes of `name` from the kept membership `old` to `next` (a full evaluation). */
  private diff(name: string, old: readonly Bitmap[], next: readonly Bitmap[]): SegmentChanges {
    return this.changesOf(name, next.map((n, s) => Bitmap.andNot(n, old[s]!)), next.map((n, s) => Bitmap.andNot(old[s]!, n)));
  }

  private async write(frame: FeedFrame): Promise<void> {
    if (frame.changes.length === 0 && !frame.defines?.length) return;
    await this.feed.append(frame);
    this.lastAt = Math.max(this.lastAt, frame.at);
  }

  /**
   * Data: after a commit round applied `batches`, each live segment is
   * evaluated for the customers whose answer the round may have changed
   * (round-screen.ts): customer by customer over their grouped orders when
   * its plan allows (direct-evaluation.ts), else on a small shard of those
   * customers (touched-shard.ts); in full for `<score>`. The changes are
   * written before the round's appends resolve.
   */
  async afterApply(batches: readonly (readonly EngineRecord[])[]): Promise<void> {
    const { store } = this.host;
    const before = this.mark;
    if (this.live.size === 0) {
      this.mark = markStore(store);
      this.customerOrders.length = 0; // not kept current without live segments: built again at the next save
      this.roundBuffers.length = 0;
      return;
    }
    const rounds = roundOf(store, batches, before);
    const touched = rounds.map((r) => r.touched);
    // customers of a round whose feed write failed (their records applied): looked at again now, by every plan
    const pending = this.pendingTouched;
    pending?.forEach((p, s) => touched[s]!.orInPlace(p));
    const now = this.host.clock();
    const changes: SegmentChanges[] = [];
    const updates: { name: string; sets: Bitmap[] }[] = [];
    const plans = [...this.live].map(([name, state]) => ({ name, state, plan: this.planAt(state, now) }));
    // per plan and shard, the customers whose answer may have changed (below); first, each customer's orders, grouped
    const orders = store.shards.map((shard, s) => {
      const o = (this.customerOrders[s] ??= new CustomerOrders());
      if (touched[s]!.isEmpty) return o;
      o.sync(shard);
      for (const refunded of rounds[s]!.orders) o.noteRefund(shard, refunded); // before anything of the round can fail
      return o;
    });
    // a tag's, attribute's or sample's members on each shard now, once a round (read only: a tag's is the index's own bitmap)
    const leafHolders = store.shards.map((shard) => {
      const memo = new Map<PlanNode, Bitmap>();
      return (leaf: PlanNode): Bitmap => {
        let b = memo.get(leaf);
        if (!b) {
          b = leaf.kind === 'tag' ? shard.tags.holders(store.catalog.tags.lookup(leaf.name)) : new ShardEvaluation(leaf, shard, store.catalog).run();
          memo.set(leaf, b);
        }
        return b;
      };
    });
    const screened = plans.map((p) => {
      if (p.state.analysis.fullOnData) return undefined;
      return store.shards.map((shard, s) => {
        if (touched[s]!.isEmpty) return new Bitmap();
        const a = screen(p.plan, rounds[s]!, shard, store.catalog, orders[s]!.firstLine, leafHolders[s]!);
        if (pending?.[s]) a.orInPlace(pending[s]!);
        return a;
      });
    });
    // plans a customer's own order columns answer are evaluated customer by customer (direct-evaluation.ts); the others on small shards
    const direct = plans.map((p, i) => screened[i] !== undefined && isDirect(p.plan));
    const union = (which: boolean) => store.shards.map((_, s) => {
      const u = new Bitmap();
      screened.forEach((a, i) => {
        if (a && direct[i] === which) u.orInPlace(a[s]!);
      });
      return u;
    });
    const needed = union(false), directNeeded = union(true);
    // the small shards copy only the attributes and tags their plans read
    const reads: PlanReads = { attributes: new Set(), tags: new Set() };
    plans.forEach((p, i) => {
      if (screened[i] && !direct[i]) addReads(p.plan, reads);
    });
    // lines are copied only for the customers of plans that read them, from the earliest ts those plans read lines at
    const lineFrom = store.shards.map((_, s) => {
      const from = new Map<number, number>();
      screened.forEach((a, i) => {
        const reach = a && !direct[i] ? lineReach(plans[i]!.plan) : Infinity;
        if (reach === Infinity) return;
        for (const c of a![s]!) from.set(c, Math.min(from.get(c) ?? Infinity, reach));
      });
      return from;
    });
    const tagIds = new Set<number>();
    for (const name of reads.tags) {
      const id = store.catalog.tags.lookup(name);
      if (id !== undefined) tagIds.add(id);
    }
    // the customers some plan needs, copied into a small shard per store shard (once for every live segment)
    let minis: ({ mini: Shard; locals: Uint32Array } | undefined)[] | undefined;
    const touchedShards = () => (minis ??= store.shards.map((shard, s) => {
      if (needed[s]!.isEmpty) return undefined;
      const t = touchedShard(shard, orders[s]!, needed[s]!, { attributes: reads.attributes, tagIds, lineFrom: lineFrom[s]!, buffers: (this.roundBuffers[s] ??= new RoundBuffers()) });
      lendScratch(t.mini, (this.miniScratch ??= new Scratch())); // one set of kernel buffers for every round's small shards
      return t;
    }));
    // the customers the direct plans look at, their orders grouped by customer (once for every such plan)
    let runs: (CustomerRuns | undefined)[] | undefined;
    const customerRuns = () => (runs ??= store.shards.map((shard, s) =>
      directNeeded[s]!.isEmpty ? undefined : orders[s]!.collect(shard, directNeeded[s]!.toUint32Array(), (this.roundBuffers[s] ??= new RoundBuffers()), 'direct')));
    for (const [i, { name, state, plan }] of plans.entries()) {
      const old = this.membersOf(name);
      let next: Bitmap[];
      let diff: SegmentChanges;
      const affected = screened[i];
      if (state.analysis.fullOnData || !affected) {
        next = store.shards.map((shard) => new ShardEvaluation(plan, shard, store.catalog, undefined, this.host.dayBuckets(shard), store.shards).run());
        diff = this.diff(name, old, next);
      } else {
        if (affected.every((a) => a.isEmpty)) continue; // nothing the round did reaches this segment's leaves
        // who entered and who left, among the customers looked at (small sets): the diff, and the edits to the kept membership
        const moves = direct[i]
          ? customerRuns().map((r, s) => {
            const a = affected[s]!;
            if (!r || a.isEmpty) return NO_MOVES;
            const ids = a.toUint32Array();
            const members = evaluateDirect(plan, r, positionsOf(r.customers, ids), store.catalog, leafHolders[s]!);
            return movesAmong(ids, members, r.customers, Bitmap.and(old[s]!, a).toUint32Array());
          })
          : touchedShards().map((t, s) => {
            const a = affected[s]!;
            if (!t || a.isEmpty) return NO_MOVES;
            const members = new ShardEvaluation(plan, t.mini, store.catalog, undefined, undefined, [t.mini]).run();
            return movesAmong(a.toUint32Array(), members.toUint32Array(), t.locals, Bitmap.and(old[s]!, a).toUint32Array());
          });
        const entered = moves.map((m) => m.entered), exited = moves.map((m) => m.exited);
        diff = this.changesOf(name, entered, exited);
        if (diff.entered.length + diff.exited.length === 0) continue;
        next = old.map((o, s) => {
          if (entered[s]!.length === 0 && exited[s]!.length === 0) return o;
          const n = o.clone(); // kept bitmaps are replaced, never mutated
          n.addMany(entered[s]!);
          n.removeMany(exited[s]!);
          return n;
        });
      }
      if (diff.entered.length + diff.exited.length === 0) continue;
      changes.push(diff);
      updates.push({ name, sets: next });
    }
    try {
      await this.write({ seq: this.feed.nextSeq, at: now, cause: 'data', changes });
    } catch (e) {
      this.pendingTouched = touched;
      throw e;
    }
    this.pendingTouched = undefined;
    this.mark = markStore(store);
    for (const u of updates) this.members.set(u.name, u.sets);
  }

  /** Each shard's orders and customers when the live segments last looked (round-screen.ts: what a round's new ones come after). */
  private mark: StoreMark;

  /** The last plan made of each live state, and its instant: rounds at the same instant reuse it. */
  private readonly plans = new WeakMap<LiveState, { at: number; plan: PlanNode }>();

  private planAt(state: LiveState, now: number): PlanNode {
    const cached = this.plans.get(state);
    if (cached?.at === now) return cached.plan;
    const plan = this.host.plan(state.ast, now, state.tz);
    this.plans.set(state, { at: now, plan });
    return plan;
  }

  /** per store shard: the arrays its small shard is built in, round after round (round-buffers.ts) */
  private readonly roundBuffers: (RoundBuffers | undefined)[] = [];

  /** the kernel buffers the small shards of every round share (they are evaluated one at a time) */
  private miniScratch: Scratch | undefined;

  /** Touched customers of a round whose changes could not be written (see afterApply). */
  private pendingTouched: Bitmap[] | undefined;

  /**
   * The kept membership of live segment `name`, for a `<ref>` answered from
   * it (contract 8.3): read when the query evaluates, so it is the
   * membership at that moment. Undefined: not live, or not kept (read-only).
   * The per-shard bitmaps are replaced, never mutated, after open.
   */
  kept(name: string): KeptMembership | undefined {
    const state = this.live.get(name);
    if (!state || !this.keepMembers) return undefined;
    const { shards } = this.host.store;
    return {
      tz: state.tz,
      size: () => this.membersOf(name).reduce((n, b) => n + b.size, 0),
      members: (shard) => {
        const s = shards.indexOf(shard);
        if (s < 0) throw fail.internal(`live segment ${name}: kept membership asked for a shard not in the store`);
        return this.membersOf(name)[s]!;
      },
    };
  }

  /** `engine.changes`: the feed's changes of `name` after `after`, then (follow) new ones until `signal` aborts. */
  async *changes(name: string, options: ChangesOptions, isSaved: (name: string) => boolean): AsyncGenerator<LiveChange> {
    let after = options.after ?? 0;
    if (!Number.isInteger(after) || after < 0) throw new ShandianError('E_BAD_ARGS', `after must be an integer >= 0, got ${String(options.after)}`, {}, 'pass the seq of the last change you processed');
    if (!this.known.has(name) && !isSaved(name)) {
      throw new ShandianError('E_UNKNOWN_SEGMENT', `no saved segment named ${JSON.stringify(name)}`, {}, 'save it with { live: true } first');
    }
    const { signal } = options;
    for (;;) {
      signal?.throwIfAborted();
      let n = 0;
      for (const frame of this.feed.framesAfter(after)) {
        for (const c of frameChanges(frame, name, after)) {
          yield c;
          if (++n % 1024 === 0) signal?.throwIfAborted();
        }
        after = Math.max(after, frame.seq + changeCount(frame) - 1);
      }
      if (!options.follow || this.closed) return; // a follower ends when the engine closes
      // in this process: woken by the next write; another process's feed: polled
      const wake = new AbortController();
      const onAbort = () => wake.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await Promise.race([this.feed.nextWrite(), sleep(FOLLOW_POLL_MS, undefined, { signal: wake.signal }).catch(() => undefined)]);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        wake.abort();
      }
    }
  }
}

/** How often a follower of another process's feed looks for new frames. */
const FOLLOW_POLL_MS = 200;
