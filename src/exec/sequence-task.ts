import type { NarrowData } from '../columns/growable.js';
import { Bitmap } from '../index/bitmap.js';
import { TUNING } from '../model/defaults.js';
import type { DimensionFilters } from '../model/order-dimensions.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';
import type { BoughtTask } from './bought-task.js';
import { prepareBought } from './eval-bought.js';

type Steps<T> = Generator<void, T>;

/**
 * What a `<sequence>` asks of the kernel (its plan node,
 * src/elements/sequence/plan.ts, is one): the steps' and the absent's
 * filters, the span in seconds, the window [lo, hi] (epoch seconds,
 * inclusive, hi capped at asOf; lo may be -Infinity) that limits the steps,
 * and asOf in whole seconds.
 */
export interface SequenceQuery {
  readonly steps: readonly DimensionFilters[];
  readonly absent?: DimensionFilters;
  readonly withinSeconds: number;
  readonly lo: number;
  readonly hi: number;
  readonly asOf: number;
}

/**
 * One `<sequence>` over one shard, for whoever runs it (the calling thread
 * or a worker: a SequenceRequest of exec/protocol.ts). Plain data: each
 * step's (and the absent's) `<bought>` task over typed arrays of the
 * shard's SharedArrayBuffers, step 1's limited to the candidates.
 */
export interface SequenceTask {
  /** step 1 over [lo, min(hi, asOf - W with an absent)], the later ones over [lo, laterHi] */
  steps: BoughtTask[];
  /** the absent's task (undefined: no absent, or none of its values exists: no b anywhere) */
  absent?: BoughtTask;
  hasAbsent: boolean;
  /** epoch seconds per order ordinal */
  orderTs: NarrowData;
  withinSeconds: number;
  /** the bound on the later steps' ts (their window's hi) */
  laterHi: number;
  /** the bound on the absent's ts (asOf) */
  absentHi: number;
}

/** Rows walked (customers checked) between points where the query may pause. */
const SCAN_STEP = TUNING.SEQUENCE_SCAN_STEP;

/**
 * `<sequence>` on one shard (contract 7.4). W = within in seconds, [lo, hi]
 * the window (hi <= asOf), k the number of steps; only counting orders
 * (paid, not refunded) are events.
 *
 * Without `<absent>` a customer matches when there are orders o1..ok, oi
 * with a line matching step i, ts(o1) < ts(o2) < ... < ts(ok) (strictly:
 * two orders of the same second never form consecutive steps),
 * ts(ok) - ts(o1) <= W, and every ts(oi) in [lo, hi].
 * For a fixed o1 the greedy chain (each next step the EARLIEST order
 * strictly after the previous one) reaches step k whenever any chain does,
 * and ends earliest, so "some o1 whose greedy chain ends by ts(o1) + W" is
 * the rule exactly.
 *
 * With `<absent>` B (k >= 1 steps before it): o1..ok as above,
 * ts(o1) + W <= asOf (the period has passed), and no order b with a line
 * matching B has ts(ok) < ts(b) <= ts(o1) + W (b is not limited by the
 * window). For a fixed o1 the best chain takes the earliest o2..o(k-1)
 * and the LATEST ok <= ts(o1) + W in the window: a later ok leaves a
 * shorter period (ts(ok), ts(o1) + W] in which B must not occur, and
 * every ok after o(k-1) is reachable. Every o1 is tried.
 *
 * Evaluation, from the time-ordered postings: each step is `<bought>`'s
 * task (exec/eval-bought.ts prepareBought, on the calling thread: the
 * posting slices of its driving sku/category/shop in the window, masks for
 * the other filters), walked once, here or in a worker. Step 1 is walked
 * first, limited to the candidates (the `<and>` siblings) and, with
 * `<absent>`, to ts <= asOf - W; its customers get dense slots, and the
 * later steps (and B) keep only events of slotted customers (a bit array
 * of them is checked before anything else of a row's order), at ts in
 * (earliest step 1, latest step 1 + W]. The events are grouped by slot
 * with a stable counting sort (postings are time-ordered, so each
 * customer's list stays sorted; a list from several slices is sorted per
 * customer), then each customer's lists are checked as above with
 * pointers that only move forward; the members are read in ascending
 * order off the bit array (no sort). Cost: the rows of the steps' posting
 * windows, never a scan of all orders (unless a step has no filter at all).
 */
export function prepareSequence(q: SequenceQuery, shard: Shard, catalog: Catalog, candidates: Int32Array | undefined): SequenceTask | undefined {
  const W = q.withinSeconds;
  const firstHi = q.absent === undefined ? q.hi : Math.min(q.hi, q.asOf - W);
  if (firstHi < q.lo) return undefined;
  const laterHi = Math.min(q.hi, firstHi + W);
  const absentHi = Math.min(q.asOf, firstHi + W);
  const steps: BoughtTask[] = [];
  for (const [i, filters] of q.steps.entries()) {
    const task = prepareStep(filters, q.lo, i === 0 ? firstHi : laterHi, shard, catalog, i === 0 ? candidates : undefined);
    if (task === undefined) return undefined; // no order can match this step
    steps.push(task);
  }
  const absent = q.absent === undefined ? undefined : prepareStep(q.absent, q.lo, absentHi, shard, catalog, undefined);
  return { steps, ...(absent !== undefined ? { absent } : {}), hasAbsent: q.absent !== undefined, orderTs: shard.orderTs.data, withinSeconds: W, laterHi, absentHi };
}

/** The rows a task's walks read at most (the pool's size rule). */
export function sequenceTaskRows(task: SequenceTask): number {
  let rows = 0;
  for (const t of [...task.steps, ...(task.absent ? [task.absent] : [])]) for (const s of t.slices) rows += s.end - s.start;
  return rows;
}

/** A task run to its end (a worker, which has no reason to pause). */
export function runSequenceToEnd(task: SequenceTask): Bitmap {
  const steps = runSequence(task);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** The members of a task (the rule above), in steps: the caller may pause between them. */
export function* runSequence(task: SequenceTask): Steps<Bitmap> {
  const W = task.withinSeconds;
  const k = task.steps.length;
  const customerCount = task.steps[0]!.customerCount;
  const scratch = acquireScratch(customerCount);
  const { slotOf, slotted } = scratch;
  const arena = new Arena(scratch);
  const customersOfSlot: number[] = [];
  const { orderTs } = task;
  try {
    const lists: EventList[] = [];
    const firstList = yield* gather(task.steps[0]!, orderTs, slotOf, customersOfSlot, undefined, arena, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    lists.push(firstList);
    if (customersOfSlot.length === 0) return new Bitmap();
    for (const c of customersOfSlot) slotted[c >>> 5] |= 1 << (c & 31);
    // every later step (and B) is strictly after some first step's second and at most W after it
    let minFirst = Infinity, maxFirst = -Infinity;
    for (let i = 0; i < firstList.length; i++) {
      const t = firstList.ts[i]!;
      if (t < minFirst) minFirst = t;
      if (t > maxFirst) maxFirst = t;
    }
    for (let i = 1; i < k; i++) {
      const list = yield* gather(task.steps[i]!, orderTs, slotOf, customersOfSlot, slotted, arena, minFirst + 1, Math.min(task.laterHi, maxFirst + W));
      if (list.length === 0) return new Bitmap();
      lists.push(list);
    }
    let absent: EventList | undefined;
    if (task.hasAbsent) {
      // b in (ts(ok), ts(o1) + W]: after the earliest first step, never after asOf, in or out of the window
      absent = task.absent === undefined ? emptyList() : yield* gather(task.absent, orderTs, slotOf, customersOfSlot, slotted, arena, minFirst + 1, Math.min(task.absentHi, maxFirst + W));
    }
    const slots = customersOfSlot.length;
    const grouped = lists.map((l) => groupBySlot(l, slots, arena));
    const groupedAbsent = absent === undefined ? undefined : groupBySlot(absent, slots, arena);
    // the members keep their bit in `slotted`, the others lose it; the words then give them in ascending order
    const pointers = new Int32Array(k);
    let hitCount = 0;
    for (let s = 0; s < slots; s++) {
      if (s % SCAN_STEP === SCAN_STEP - 1) yield;
      const ok = groupedAbsent === undefined ? chainWithin(grouped, s, W, pointers) : chainThenAbsent(grouped, groupedAbsent, s, W, pointers);
      const c = customersOfSlot[s]!;
      if (ok) hitCount++;
      else slotted[c >>> 5] &= ~(1 << (c & 31));
    }
    const hits = new Uint32Array(hitCount);
    for (let w = 0, n = 0, words = (customerCount + 31) >>> 5; n < hitCount && w < words; w++) {
      let bits = slotted[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        hits[n++] = (w << 5) | (31 - Math.clz32(low));
        bits ^= low;
      }
    }
    const result = new Bitmap();
    result.addMany(hits);
    return result;
  } finally {
    for (const c of customersOfSlot) {
      slotOf[c] = -1;
      slotted[c >>> 5] = 0;
    }
    releaseScratch(scratch);
  }
}

/** Step i's task: the existence `<bought>` of its filters over [lo, hi] (never the complement form: events need their orders). */
function prepareStep(filters: DimensionFilters, lo: number, hi: number, shard: Shard, catalog: Catalog, candidates: Int32Array | undefined): BoughtTask | undefined {
  if (hi < lo) return undefined;
  return prepareBought({ ...filters, lo, hi, minCount: 1 }, shard, catalog, '', candidates, { complement: false });
}

/** (slot, ts) of every counting order line a task's slices hold, in slice order. */
interface EventList {
  slot: Int32Array;
  ts: Float64Array;
  length: number;
  /** true when the events came from one time-ordered slice (each customer's events then are in time order) */
  ordered: boolean;
}

function emptyList(): EventList {
  return { slot: new Int32Array(0), ts: new Float64Array(0), length: 0, ordered: true };
}

/**
 * Walks a task's slices: live orders, the filters its driving posting does
 * not cover, and either (step 1) the candidates, giving new customers a
 * slot (`slotted` undefined), or (later steps, absent) only customers
 * that have one (their bits in `slotted`).
 */
function* gather(
  task: BoughtTask, orderTs: NarrowData, slotOf: Int32Array, customersOfSlot: number[], slotted: Int32Array | undefined, arena: Arena, tsLo: number, tsHi: number,
): Steps<EventList> {
  let total = 0;
  for (const s of task.slices) total += s.end - s.start;
  const out: EventList = { slot: arena.ints(total), ts: arena.floats(total), length: 0, ordered: task.slices.length <= 1 };
  for (const { rows, start, end } of task.slices) {
    // in chunks of SCAN_STEP rows, a pause possible between them (the row loop stays a plain function)
    for (let i = start; i < end; i += SCAN_STEP) {
      if (i > start) yield;
      const to = Math.min(end, i + SCAN_STEP);
      if (slotted === undefined) gatherRows(task, rows, i, to, orderTs, slotOf, customersOfSlot, out, tsLo, tsHi);
      else gatherSlotted(task, rows, i, to, orderTs, slotOf, slotted, out, tsLo, tsHi);
    }
  }
  return out;
}

/**
 * The row loops below run in blocks of BLOCK rows, each in passes: first
 * every row's order, then every order's customer (and, for step 1, its
 * liveness and time), each pass a plain loop of independent reads without
 * branches, so the memory reads of many rows are in flight at once
 * (the columns are far larger than the caches: a row is a few cache
 * misses, and one loop that checks as it reads waits for them one row at
 * a time); then the checks, over what the passes read.
 */
const BLOCK = 1024;
const blockOrder = new Uint32Array(BLOCK);
const blockCustomer = new Uint32Array(BLOCK);
const blockKept = new Int32Array(BLOCK);
const blockAlive = new Uint8Array(BLOCK);
const blockTs = new Float64Array(BLOCK);

/** Each row's order into blockOrder[0 .. to - from). */
function readOrders(rows: Uint32Array, from: number, to: number, byLine: boolean, lineOrder: Uint32Array): void {
  const m = to - from;
  if (byLine) for (let j = 0; j < m; j++) blockOrder[j] = lineOrder[rows[from + j]!]!;
  else for (let j = 0; j < m; j++) blockOrder[j] = rows[from + j]!;
}

/**
 * gather's row loop for a later step or B over rows[from..to): appends to
 * `out` the events of slotted customers only. The customer is checked
 * first, in a bit array small enough to stay in cache, so the other rows
 * cost two reads (line -> order -> customer). An order's further lines
 * (adjacent in a posting) are skipped once it failed an order-level check
 * or made an event (the same (slot, ts) again changes nothing).
 */
function gatherSlotted(
  task: BoughtTask, rows: Uint32Array, from: number, to: number, orderTs: NarrowData,
  slotOf: Int32Array, slotted: Int32Array, out: EventList, tsLo: number, tsHi: number,
): void {
  const { lineOrder, orderAlive, orderCustomer, lineSku, lineCategory, orderShop, checkSku, checkCategory, checkShop } = task;
  const byLine = task.unit === 'lines';
  const { slot, ts } = out;
  let n = out.length;
  let lastOrder = -1;
  for (let base = from; base < to; base += BLOCK) {
    const end = Math.min(to, base + BLOCK), m = end - base;
    readOrders(rows, base, end, byLine, lineOrder);
    // the rows of slotted customers, without a branch per row
    let kept = 0;
    for (let j = 0; j < m; j++) {
      const c = orderCustomer[blockOrder[j]!]!;
      blockKept[kept] = j;
      blockCustomer[kept] = c;
      kept += (slotted[c >>> 5]! >>> (c & 31)) & 1;
    }
    for (let x = 0; x < kept; x++) {
      const j = blockKept[x]!, order = blockOrder[j]!;
      if (order === lastOrder) continue;
      if (orderAlive[order] === 0) {
        lastOrder = order; // every line of this order fails the same way
        continue;
      }
      const t = orderTs[order]!;
      if (t < tsLo || t > tsHi) {
        lastOrder = order;
        continue;
      }
      const row = rows[base + j]!;
      if (checkSku !== undefined && checkSku[lineSku[row]!] !== 1) continue;
      if (checkCategory !== undefined && checkCategory[lineCategory[row]!] !== 1) continue;
      if (checkShop !== undefined && checkShop[orderShop[order]!] !== 1) continue;
      lastOrder = order;
      slot[n] = slotOf[blockCustomer[x]!]!;
      ts[n] = t;
      n++;
    }
  }
  out.length = n;
}

/** gather's row loop for step 1 over rows[from..to): gives new customers a slot, appends to `out`. */
function gatherRows(
  task: BoughtTask, rows: Uint32Array, from: number, to: number, orderTs: NarrowData,
  slotOf: Int32Array, customersOfSlot: number[], out: EventList, tsLo: number, tsHi: number,
): void {
  const { lineOrder, orderAlive, orderCustomer, lineSku, lineCategory, orderShop, checkSku, checkCategory, checkShop, candidates } = task;
  const byLine = task.unit === 'lines';
  const { slot, ts } = out;
  let n = out.length;
  for (let base = from; base < to; base += BLOCK) {
    const end = Math.min(to, base + BLOCK), m = end - base;
    readOrders(rows, base, end, byLine, lineOrder);
    for (let j = 0; j < m; j++) {
      const order = blockOrder[j]!;
      blockAlive[j] = orderAlive[order]!;
      blockTs[j] = orderTs[order]!;
      blockCustomer[j] = orderCustomer[order]!;
    }
    for (let j = 0; j < m; j++) {
      if (blockAlive[j] === 0) continue;
      const t = blockTs[j]!;
      if (t < tsLo || t > tsHi) continue;
      const order = blockOrder[j]!;
      if (checkSku !== undefined || checkCategory !== undefined) {
        const row = rows[base + j]!;
        if (checkSku !== undefined && checkSku[lineSku[row]!] !== 1) continue;
        if (checkCategory !== undefined && checkCategory[lineCategory[row]!] !== 1) continue;
      }
      if (checkShop !== undefined && checkShop[orderShop[order]!] !== 1) continue;
      const c = blockCustomer[j]!;
      let s = slotOf[c]!;
      if (s < 0) {
        if (candidates !== undefined && (candidates[c >>> 5]! & (1 << (c & 31))) === 0) continue;
        s = slotOf[c] = customersOfSlot.length;
        customersOfSlot.push(c);
      }
      slot[n] = s;
      ts[n] = t;
      n++;
    }
  }
  out.length = n;
}

/** Each slot's event times, ascending: slot s owns ts[start[s] .. start[s + 1]). */
interface Grouped {
  start: Int32Array;
  ts: Float64Array;
}

/** A stable counting sort by slot; a list gathered from several slices is then sorted per slot. */
function groupBySlot(list: EventList, slots: number, arena: Arena): Grouped {
  const start = arena.ints(slots + 1).fill(0, 0, slots + 1);
  for (let i = 0; i < list.length; i++) start[list.slot[i]! + 1]++;
  for (let s = 0; s < slots; s++) start[s + 1] += start[s]!;
  const fill = arena.ints(slots);
  fill.set(start.subarray(0, slots));
  const ts = arena.floats(list.length);
  for (let i = 0; i < list.length; i++) ts[fill[list.slot[i]!]!++] = list.ts[i]!;
  if (!list.ordered) {
    for (let s = 0; s < slots; s++) {
      const a = start[s]!, b = start[s + 1]!;
      for (let i = a + 1; i < b; i++) {
        if (ts[i - 1]! > ts[i]!) {
          ts.subarray(a, b).sort();
          break;
        }
      }
    }
  }
  return { start, ts };
}

/** First index in [from, end) with ts > t, or end. */
function firstAfter(ts: Float64Array, from: number, end: number, t: number): number {
  let lo = from, hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Without absent: some o1 whose greedy chain (earliest next step strictly
 * after the previous) reaches step k by ts(o1) + W. As o1 moves later each
 * step's earliest order can only move later, so the pointers only advance.
 */
function chainWithin(g: readonly Grouped[], s: number, W: number, p: Int32Array): boolean {
  const k = g.length;
  for (let i = 0; i < k; i++) p[i] = g[i]!.start[s]!;
  const first = g[0]!, firstEnd = first.start[s + 1]!;
  let prevStart = Number.NaN;
  for (let a = first.start[s]!; a < firstEnd; a++) {
    const start = first.ts[a]!;
    if (start === prevStart) continue; // same second: the same chains
    prevStart = start;
    let t = start, ok = true;
    for (let i = 1; i < k && ok; i++) {
      const gi = g[i]!, end = gi.start[s + 1]!;
      const j = firstAfter(gi.ts, p[i]!, end, t);
      p[i] = j;
      if (j === end) return false; // no step i after t: none after any later o1 either
      t = gi.ts[j]!;
      ok = t - start <= W;
    }
    if (ok) return true;
  }
  return false;
}

/**
 * With absent: some o1 with ts(o1) + W <= asOf (step 1 was gathered only
 * up to asOf - W), its greedy o2..o(k-1), the latest ok in
 * (ts(o(k-1)), ts(o1) + W], and no B in (ts(ok), ts(o1) + W].
 * With one step, ok is o1.
 */
function chainThenAbsent(g: readonly Grouped[], b: Grouped, s: number, W: number, p: Int32Array): boolean {
  const k = g.length;
  for (let i = 0; i < k; i++) p[i] = g[i]!.start[s]!;
  const first = g[0]!, firstEnd = first.start[s + 1]!;
  const bStart = b.start[s]!, bEnd = b.start[s + 1]!;
  let prevStart = Number.NaN;
  for (let a = first.start[s]!; a < firstEnd; a++) {
    const start = first.ts[a]!;
    if (start === prevStart) continue;
    prevStart = start;
    const deadline = start + W;
    let t = start, ok = true;
    for (let i = 1; i < k - 1 && ok; i++) {
      const gi = g[i]!, end = gi.start[s + 1]!;
      const j = firstAfter(gi.ts, p[i]!, end, t);
      p[i] = j;
      if (j === end) return false;
      t = gi.ts[j]!;
      ok = t <= deadline;
    }
    if (!ok) continue;
    if (k > 1) {
      // the latest step-k order in (t, deadline]
      const gk = g[k - 1]!, from = gk.start[s]!;
      const j = firstAfter(gk.ts, from, gk.start[s + 1]!, deadline) - 1;
      if (j < from || gk.ts[j]! <= t) continue;
      t = gk.ts[j]!;
    }
    // no B in (t, deadline]
    const q = firstAfter(b.ts, bStart, bEnd, t);
    if (q === bEnd || b.ts[q]! > deadline) return true;
  }
  return false;
}

/**
 * A slot per shard-local customer (-1: none), and the event and group
 * buffers, reused on this thread: an evaluation takes one from a free
 * list for its whole run (it may pause between steps, while another query
 * evaluates) and gives it back with its slots cleared, so no allocation per
 * query once they have grown, and no garbage either.
 */
interface SlotScratch {
  slotOf: Int32Array;
  /** a bit per customer with a slot (bit c of word c >>> 5), all clear between evaluations */
  slotted: Int32Array;
  ints: Int32Array[];
  floats: Float64Array[];
}

/** Hands out the scratch buffers in turn for one evaluation (at least `n` long; contents undefined). */
class Arena {
  private nextInt = 0;
  private nextFloat = 0;
  constructor(private readonly scratch: SlotScratch) {}

  ints(n: number): Int32Array {
    const i = this.nextInt++;
    let b = this.scratch.ints[i];
    if (b === undefined || b.length < n) this.scratch.ints[i] = b = new Int32Array(n + (n >> 2) + 16);
    return b;
  }

  floats(n: number): Float64Array {
    const i = this.nextFloat++;
    let b = this.scratch.floats[i];
    if (b === undefined || b.length < n) this.scratch.floats[i] = b = new Float64Array(n + (n >> 2) + 16);
    return b;
  }
}

const free: SlotScratch[] = [];

function acquireScratch(customers: number): SlotScratch {
  const s = free.pop() ?? { slotOf: new Int32Array(0), slotted: new Int32Array(0), ints: [], floats: [] };
  if (s.slotOf.length < customers) {
    s.slotOf = new Int32Array(Math.max(customers, 1024) + (customers >> 3)).fill(-1);
    s.slotted = new Int32Array((s.slotOf.length + 31) >>> 5);
  }
  return s;
}

/** Back to the free list (its slots are all -1 again); a few are kept, for evaluations paused at once. */
function releaseScratch(s: SlotScratch): void {
  if (free.length < 4) free.push(s);
}
