import type { Shard } from '../store/shard.js';
import type { RoundBuffers } from './round-buffers.js';

/** One level of grouped orders: orders `from .. to - 1` (ordinals) grouped by customer, with copies of their columns. */
class GroupedOrders {
  /** customer c's orders are `ordinal[start[c] .. start[c + 1]]`, ascending (customers past start.length - 1: none) */
  readonly start: Int32Array;
  readonly ordinal: Uint32Array;
  /** ts, shop, amount and liveness of `ordinal`'s orders, in its order (the shard's column types when grouped) */
  readonly ts: ArrayLike<number>;
  readonly shop: ArrayLike<number>;
  readonly amount: ArrayLike<number>;
  readonly alive: Uint8Array;

  /** Orders from .. to - 1 of the shard, grouped by customer (a stable counting sort over customers 0..customers-1). */
  constructor(shard: Shard, readonly from: number, readonly to: number, customers: number) {
    const orderCustomer = shard.orderCustomer.data;
    const start = new Int32Array(customers + 1);
    for (let o = from; o < to; o++) start[orderCustomer[o]! + 1]!++;
    for (let c = 0; c < customers; c++) start[c + 1]! += start[c]!;
    const next = start.slice(0, customers);
    const ordinal = new Uint32Array(to - from);
    for (let o = from; o < to; o++) ordinal[next[orderCustomer[o]!]!++] = o;
    this.start = start;
    this.ordinal = ordinal;
    this.ts = gather(shard.orderTs.data, ordinal);
    this.shop = gather(shard.orderShop.data, ordinal);
    this.amount = gather(shard.orderAmount.data, ordinal);
    this.alive = gather(shard.orderAlive.data, ordinal) as Uint8Array;
  }

  static empty(shard: Shard, at: number): GroupedOrders {
    return new GroupedOrders(shard, at, at, 0);
  }

  /** Order `o` (of this level) changed liveness: its copy follows the shard. */
  noteRefund(shard: Shard, o: number): void {
    const c = shard.orderCustomer.data[o]!;
    if (c + 1 >= this.start.length) return;
    // the customer's orders are ascending: a binary search
    let lo = this.start[c]!, hi = this.start[c + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1, v = this.ordinal[mid]!;
      if (v === o) {
        this.alive[mid] = shard.orderAlive.data[o]!;
        return;
      }
      if (v < o) lo = mid + 1;
      else hi = mid - 1;
    }
  }

  get bytes(): number {
    return [this.start, this.ordinal, this.ts, this.shop, this.amount, this.alive].reduce((n, a) => n + (a as unknown as { byteLength: number }).byteLength, 0);
  }
}

/**
 * Each customer's orders on one shard, for a live segment's round to copy
 * the touched customers' orders into a small shard (touched-shard.ts)
 * without a pass over the shard and without a cache miss per order and
 * column. Three levels, each read per customer as one contiguous run:
 *
 * - the base: orders 0..built-1 grouped by customer, in ordinal order, with
 *   a copy of their ordinal, ts, shop, amount and liveness (15 bytes an
 *   order, 4 a customer);
 * - the recent level: orders built..recentEnd-1, grouped the same way;
 * - the list: orders appended since, as linked lists (`head[c]`,
 *   `prev[o - recentEnd]`) read from the shard's columns (recent ordinals:
 *   they stay in cache).
 *
 * When the list outgrows `listMax` orders, the orders since the base are
 * grouped again into the recent level (a counting sort of at most a
 * quarter of the base); when those outgrow a quarter of the base, the
 * base is rebuilt. An append costs O(1) amortised, and a round reads at
 * most `listMax` orders through the lists: with the lists alone (no recent
 * level) the orders appended since the base cost four cache misses each,
 * about a tenth of a round's time at 10M lines. A refund of a grouped
 * order must be told (noteRefund: the live segments do it for every
 * round's refunds, before anything else of the round). Built when a live
 * segment is saved or the store opens with one, dropped when none is left;
 * only stores with live segments pay its memory.
 */
export class CustomerOrders {
  private base: GroupedOrders | undefined;
  private recent: GroupedOrders | undefined;
  /** the newest order since `recent` per customer (-1: none), and each such order's previous one */
  private head: Int32Array = new Int32Array(0);
  private prev: Int32Array = new Int32Array(0);
  /** orders per customer (refunded ones too) */
  private counts: Int32Array = new Int32Array(0);
  /** each order's first line row (lines of an order are contiguous rows, in order) */
  firstLine: Int32Array = new Int32Array(0);
  private indexed = 0;
  private indexedLines = 0;

  constructor(
    /** orders appended since the base that stay out of it at least (tests make it small) */
    private readonly rebuildMin = REBUILD_MIN,
    /** orders the lists hold before they are grouped into the recent level (tests make it small) */
    private readonly listMax = LIST_MAX,
  ) {}

  /** Takes in the orders appended since the last call. */
  sync(shard: Shard): void {
    const orders = shard.orderCount, customers = shard.customerCount;
    const built = this.base?.to ?? 0;
    if (!this.base || orders - built > Math.max(this.rebuildMin, built / 4)) {
      this.base = new GroupedOrders(shard, 0, orders, customers);
      this.recent = GroupedOrders.empty(shard, orders);
      this.counts = new Int32Array(Math.max(customers, 1024));
      const start = this.base.start;
      for (let c = 0; c < customers; c++) this.counts[c] = start[c + 1]! - start[c]!;
      this.head = new Int32Array(Math.max(customers, 1024)).fill(-1);
      this.prev = new Int32Array(1024);
    } else if (orders - this.recent!.to > this.listMax) {
      this.recent = new GroupedOrders(shard, built, orders, customers);
      if (customers > this.counts.length) this.counts = grow(this.counts, customers, 0);
      for (let o = this.indexed; o < orders; o++) this.counts[shard.orderCustomer.data[o]!]!++;
      this.head = new Int32Array(Math.max(customers, this.head.length)).fill(-1);
    } else {
      if (customers > this.head.length) {
        this.head = grow(this.head, customers, -1);
        this.counts = grow(this.counts, customers, 0);
      }
      const recentEnd = this.recent!.to;
      if (orders - recentEnd > this.prev.length) this.prev = grow(this.prev, orders - recentEnd, -1);
      const orderCustomer = shard.orderCustomer.data;
      for (let o = this.indexed; o < orders; o++) {
        const c = orderCustomer[o]!;
        this.prev[o - recentEnd] = this.head[c]!;
        this.head[c] = o;
        this.counts[c]!++;
      }
    }
    this.indexed = orders;
    if (orders > this.firstLine.length) this.firstLine = grow(this.firstLine, orders, -1);
    const lineOrder = shard.lineOrder.data, lines = shard.lineCount;
    for (let row = this.indexedLines; row < lines; row++) {
      const o = lineOrder[row]!;
      if (row === 0 || lineOrder[row - 1] !== o) this.firstLine[o] = row;
    }
    this.indexedLines = lines;
  }

  /** Order `o` was refunded: its grouped copy follows the shard's liveness (orders in the lists are read from the shard anyway). */
  noteRefund(shard: Shard, o: number): void {
    if (this.base && o < this.base.to) this.base.noteRefund(shard, o);
    else if (this.recent && o < this.recent.to) this.recent.noteRefund(shard, o);
  }

  /** Bytes of memory its arrays hold. */
  get bytes(): number {
    const arrays: ArrayLike<number>[] = [this.head, this.prev, this.counts, this.firstLine];
    return (this.base?.bytes ?? 0) + (this.recent?.bytes ?? 0) + arrays.reduce((n, a) => n + (a as unknown as { byteLength: number }).byteLength, 0);
  }

  /** How many orders the customer has. */
  count(customer: number): number {
    return customer < this.counts.length ? this.counts[customer]! : 0;
  }

  /**
   * The orders of `customers` (shard-local ids, ascending) grouped by
   * customer, in `buffers` under names starting with `name` (the round's
   * direct plans and its small shard each collect their own, under their
   * own names).
   */
  collect(shard: Shard, customers: Uint32Array, buffers: RoundBuffers, name: string): CustomerRuns {
    const start = buffers.get(`${name}.start`, U32, customers.length + 1);
    let total = 0;
    for (let i = 0; i < customers.length; i++) {
      start[i] = total;
      total += this.count(customers[i]!);
    }
    start[customers.length] = total;
    const columns: PickedColumns = {
      ordinal: buffers.get(`${name}.ordinal`, U32, total), ts: buffers.get(`${name}.ts`, F64, total), shop: buffers.get(`${name}.shop`, U32, total),
      amount: buffers.get(`${name}.amount`, F64, total), alive: buffers.get(`${name}.alive`, U8, total), owner: buffers.get(`${name}.owner`, U32, total),
    };
    this.collectColumns(shard, customers, columns);
    return { customers, start, columns };
  }

  /**
   * The orders of `customers` (shard-local ids), customer by customer, into
   * `into` from position 0: ordinal, ts, shop, amount, liveness and the index in
   * `customers` of their customer. `into`'s arrays hold at least the sum of
   * their counts. Returns how many were written.
   */
  collectColumns(shard: Shard, customers: Uint32Array, into: PickedColumns): number {
    const { ordinal, ts, shop, amount, alive, owner } = into;
    const base = this.base, recent = this.recent;
    if (!base || !recent) return 0;
    const sTs = shard.orderTs.data, sShop = shard.orderShop.data, sAmount = shard.orderAmount.data, sAlive = shard.orderAlive.data;
    const recentEnd = recent.to;
    let at = 0;
    for (let i = 0; i < customers.length; i++) {
      const c = customers[i]!;
      at = copyRun(base, c, i, into, at);
      at = copyRun(recent, c, i, into, at);
      for (let o = c < this.head.length ? this.head[c]! : -1; o >= 0; o = this.prev[o - recentEnd]!, at++) {
        ordinal[at] = o;
        ts[at] = sTs[o]!;
        shop[at] = sShop[o]!;
        amount[at] = sAmount[o]!;
        alive[at] = sAlive[o]!;
        owner[at] = i;
      }
    }
    return at;
  }
}

/** Customer c's orders of one level into `into` from `at`, owner `i`; the next position. */
function copyRun(level: GroupedOrders, c: number, i: number, into: PickedColumns, at: number): number {
  if (c + 1 >= level.start.length) return at;
  const { ordinal, ts, shop, amount, alive, owner } = into;
  const gOrder = level.ordinal, gTs = level.ts, gShop = level.shop, gAmount = level.amount, gAlive = level.alive;
  for (let g = level.start[c]!, end = level.start[c + 1]!; g < end; g++, at++) {
    ordinal[at] = gOrder[g]!;
    ts[at] = gTs[g]!;
    shop[at] = gShop[g]!;
    amount[at] = gAmount[g]!;
    alive[at] = gAlive[g]!;
    owner[at] = i;
  }
  return at;
}

/** Orders appended since the base that always stay out of it (more, up to a quarter of the base). */
const REBUILD_MIN = 65_536;

/** Orders the lists hold before they are grouped into the recent level. */
const LIST_MAX = 32_768;

/** Customers' orders grouped by customer (CustomerOrders.collect): customer i's at start[i] .. start[i + 1] - 1 of `columns`. */
export interface CustomerRuns {
  /** shard-local ids, ascending */
  customers: Uint32Array;
  start: Uint32Array;
  columns: PickedColumns;
}

/** Order columns picked for a small shard or direct plans (CustomerOrders.collectColumns). */
export interface PickedColumns {
  ordinal: Uint32Array;
  ts: Float64Array;
  shop: Uint32Array;
  amount: Float64Array;
  alive: Uint8Array;
  /** index of the order's customer in the customers asked for */
  owner: Uint32Array;
}

/** `values` at `at`, in a new array of the same type. */
function gather(values: Uint8Array | Uint16Array | Uint32Array | Float64Array, at: Uint32Array): ArrayLike<number> {
  const Ctor = values.constructor as new (length: number) => Uint8Array | Uint16Array | Uint32Array | Float64Array;
  const out = new Ctor(at.length);
  for (let i = 0; i < at.length; i++) out[i] = values[at[i]!]!;
  return out;
}

const U8 = new Uint8Array(0), U32 = new Uint32Array(0), F64 = new Float64Array(0);

function grow(a: Int32Array, atLeast: number, fill: number): Int32Array {
  const next = new Int32Array(Math.max(atLeast, Math.ceil(a.length * 1.5), 1024)).fill(fill);
  next.set(a);
  return next;
}
