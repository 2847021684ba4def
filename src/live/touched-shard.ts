import { Bitmap } from '../index/bitmap.js';
import { Shard } from '../store/shard.js';
import { countingSortRows, fillByCountingSort, identityRows } from '../index/build-postings.js';
import type { DimensionIndex } from '../index/dimension-index.js';
import { PostingRuns } from '../index/posting-runs.js';
import { TimePosting, type RowTime } from '../index/time-posting.js';

/**
 * Each customer's orders on one shard, as linked lists in typed arrays
 * (`head[customer]` = their newest order, `prev[order]` = the one before):
 * 4 bytes an order and 4 a customer, built on first use by one pass over
 * the orders and brought up to date after each commit round.
 */
export class CustomerOrders {
  private head: Int32Array<ArrayBuffer> = new Int32Array(0);
  private prev: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** orders per customer (refunded ones too) */
  private counts: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** each order's first line row (lines of an order are contiguous rows, in order) */
  firstLine: Int32Array<ArrayBuffer> = new Int32Array(0);
  private indexed = 0;
  private indexedLines = 0;

  /** Takes in the orders appended since the last call. */
  sync(shard: Shard): void {
    const orders = shard.orderCount, customers = shard.customerCount;
    if (customers > this.head.length) {
      this.head = grow(this.head, customers, -1);
      this.counts = grow(this.counts, customers, 0);
    }
    if (orders > this.prev.length) {
      this.prev = grow(this.prev, orders, -1);
      this.firstLine = grow(this.firstLine, orders, -1);
    }
    const orderCustomer = shard.orderCustomer.data;
    for (let o = this.indexed; o < orders; o++) {
      const c = orderCustomer[o]!;
      this.prev[o] = this.head[c]!;
      this.head[c] = o;
      this.counts[c]!++;
    }
    this.indexed = orders;
    const lineOrder = shard.lineOrder.data, lines = shard.lineCount;
    for (let row = this.indexedLines; row < lines; row++) {
      const o = lineOrder[row]!;
      if (row === 0 || lineOrder[row - 1] !== o) this.firstLine[o] = row;
    }
    this.indexedLines = lines;
  }

  /** How many orders the customer has. */
  count(customer: number): number {
    return customer < this.counts.length ? this.counts[customer]! : 0;
  }

  /** Writes the customer's orders into `into` from `at` (newest first); returns the next position. */
  collect(customer: number, into: Uint32Array, at: number): number {
    for (let o = customer < this.head.length ? this.head[customer]! : -1; o >= 0; o = this.prev[o]!) into[at++] = o;
    return at;
  }
}

function grow(a: Int32Array<ArrayBuffer>, atLeast: number, fill: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(atLeast, Math.ceil(a.length * 1.5), 1024)).fill(fill);
  next.set(a);
  return next;
}

/**
 * Touched customers' orders times this at least the shard's orders: they are
 * picked by a sequential pass over all orders (about 1 ns an order) instead of
 * their lists (a cache miss an order) and a sort.
 */
const SCAN_RATIO = 16;

/** Orders per small shard up to which (ts, rank) sort keys stay exact in a float64. */
const RANK_BITS = 2 ** 22;

/**
 * A shard holding only `touched` customers of `shard`, with all of their
 * orders (and lines, liveness), attributes and tags, under the same
 * external ids and the store's catalog ids. A per-customer condition
 * (tags, attributes, `<bought>`, `<firstOrder>`/`<lastOrder>`, `<sample>`,
 * `<sequence>`, and/or/not) has the same answer for a customer here as in
 * the whole shard, so an append's changes are found by evaluating the plan
 * on this small shard instead of scanning the store's postings.
 * `locals[i]` is the real shard-local id of the small shard's customer i.
 * Only the attributes in `attributes` are copied, and SKU and category
 * postings built only for the dimensions in `lineDimensions` (when given):
 * no plan on the small shard reads another.
 */
export function touchedShard(shard: Shard, orders: CustomerOrders, touched: Bitmap,
  /** the attributes the plans read (`<attr>`); absent: all */
  attributes?: ReadonlySet<string>,
  /** the line dimensions the plans filter on ('skus', 'categories'); absent: all */
  lineDimensions?: ReadonlySet<string>): { mini: Shard; locals: Uint32Array } {
  const mini = new Shard();
  const ids = touched.toUint32Array();
  const locals = new Uint32Array(ids.length);
  const miniOf = new Int32Array(shard.customerCount).fill(-1);
  for (let i = 0; i < ids.length; i++) {
    const c = ids[i]!;
    locals[mini.customer(shard.customers.value(c))] = c;
    miniOf[c] = i;
  }
  const orderTs = shard.orderTs.data, orderShop = shard.orderShop.data, orderAlive = shard.orderAlive.data, orderCustomer = shard.orderCustomer.data;
  const lineOrder = shard.lineOrder.data, lineCount = shard.lineCount;
  // their orders in (ts, ordinal) order, so the small shard's postings are built by counting sorts:
  // ordinals sorted, then a native sort of float64 keys ts * 2^22 + rank (stable on ties)
  orders.sync(shard);
  let total = 0;
  for (let i = 0; i < ids.length; i++) total += orders.count(ids[i]!);
  const byOrdinal = new Uint32Array(total);
  const orderCount = shard.orderCount;
  if (total * SCAN_RATIO >= orderCount) {
    // many: one sequential pass over the shard's orders (in ordinal order already) beats chasing
    // each customer's list through memory and sorting (heavy customers hold most orders)
    for (let o = 0, at = 0; o < orderCount; o++) if (miniOf[orderCustomer[o]!]! >= 0) byOrdinal[at++] = o;
  } else {
    for (let i = 0, at = 0; i < ids.length; i++) at = orders.collect(ids[i]!, byOrdinal, at);
    byOrdinal.sort();
  }
  let inTimeOrder = true; // orders appended in time order (the usual case): sorted by ordinal is sorted by (ts, ordinal)
  for (let k = 1; k < byOrdinal.length && inTimeOrder; k++) inTimeOrder = orderTs[byOrdinal[k - 1]!]! <= orderTs[byOrdinal[k]!]!;
  let picked: Uint32Array;
  if (inTimeOrder) {
    picked = byOrdinal;
  } else if (byOrdinal.length < RANK_BITS) {
    const keys = new Float64Array(byOrdinal.length);
    for (let k = 0; k < keys.length; k++) keys[k] = orderTs[byOrdinal[k]!]! * RANK_BITS + k;
    keys.sort();
    picked = new Uint32Array(keys.length);
    for (let k = 0; k < keys.length; k++) picked[k] = byOrdinal[keys[k]! % RANK_BITS]!;
  } else {
    picked = byOrdinal.slice().sort((a, b) => orderTs[a]! - orderTs[b]! || a - b);
  }
  let lines = 0;
  const firsts = new Uint32Array(picked.length);
  const ends = new Uint32Array(picked.length);
  const firstOf = orders.firstLine;
  for (let k = 0; k < picked.length; k++) {
    const o = picked[k]!;
    let row = firstOf[o]!;
    firsts[k] = row;
    while (row < lineCount && lineOrder[row] === o) row++;
    ends[k] = row;
    lines += row - firsts[k]!;
  }
  const columns = { skuIds: shard.lineSku.data, categoryIds: shard.lineCategory.data, quantities: shard.lineQuantity.data, amountCents: shard.lineAmount.data };
  mini.beginBulk(picked.length, lines);
  for (let k = 0; k < picked.length; k++) {
    const o = picked[k]!;
    mini.addOrderFromColumns(miniOf[orderCustomer[o]!]!, orderTs[o]!, orderShop[o]!, orderAlive[o] !== 0, columns, firsts[k]!, ends[k]!);
  }
  // postings: all orders and shops as a bulk load builds them; SKUs and categories as runs of one
  // counting-sorted buffer that become posting objects only when a plan asks for one (a few, not thousands)
  mini.allOrders.posting.reset(TimePosting.ofOrderedView(identityRows(picked.length), mini.orderTime));
  fillByCountingSort(mini.byShop, mini.orderShop.data, picked.length, mini.orderTime);
  if (!lineDimensions || lineDimensions.has('skus')) lazyPostings(mini.bySku, mini.lineSku.data, lines, mini.rowTime);
  if (!lineDimensions || lineDimensions.has('categories')) lazyPostings(mini.byCategory, mini.lineCategory.data, lines, mini.rowTime);
  for (const [name, index] of shard.attributes) {
    if (attributes && !attributes.has(name)) continue;
    const { valueOf, values } = index.toColumn();
    for (let i = 0; i < ids.length; i++) {
      const c = ids[i]!;
      const v = c < valueOf.length ? valueOf[c]! : -1;
      if (v >= 0) mini.setAttribute(i, name, values[v]!);
    }
  }
  for (const [tagId, holders] of shard.tags.entries()) {
    for (const c of Bitmap.and(holders, touched)) mini.tags.add(tagId, miniOf[c]!);
  }
  return { mini, locals };
}

/**
 * A dimension's postings for rows 0..n-1 in time order, as runs of one
 * counting-sorted buffer (as a loaded snapshot keeps them): a posting object
 * is made only for a value a plan reads.
 */
function lazyPostings(index: DimensionIndex, values: ArrayLike<number>, n: number, rowTime: RowTime): void {
  const { rows, starts, max } = countingSortRows(values, n);
  const used: number[] = [];
  for (let v = 0; v <= max; v++) if (starts[v + 1]! > starts[v]!) used.push(v);
  const start = new Float64Array(used.length), count = new Uint32Array(used.length);
  used.forEach((v, k) => {
    start[k] = starts[v]!;
    count[k] = starts[v + 1]! - starts[v]!;
    index.loadPosting(v, k);
  });
  index.finishLoading(new PostingRuns([rows], new Uint32Array(used.length), start, count), rowTime);
}
