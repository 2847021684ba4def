import { radixSortU32 } from '../columns/radix-sort.js';
import type { NarrowData } from '../columns/growable.js';
import { Bitmap } from '../index/bitmap.js';
import { fillByCountingSort, identityRows } from '../index/build-postings.js';
import { TimePosting } from '../index/time-posting.js';
import { Dictionary } from '../store/dictionary.js';
import { Shard } from '../store/shard.js';
import type { CustomerOrders } from './customer-orders.js';

/**
 * Touched customers' orders times this at least the shard's orders: they are
 * picked by a sequential pass over all orders (about 1 ns an order) instead of
 * copying their grouped orders and a radix sort (a few ns an order picked).
 */
const SCAN_RATIO = 4;

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
 *
 * Built column by column: their orders picked in (ts, ordinal) order, each
 * column gathered into a typed array the small shard takes as it is. The
 * gathers are memory-bound (a cache miss per value: the orders are spread
 * over the shard), so lines are copied only for the customers in
 * `withLines`, those of plans that read lines (a SKU or category filter, a
 * quantity bound, a `<sequence>`): the others' orders are counted from the
 * order columns alone. The
 * all-orders and shop postings are made at once (small: one per order);
 * SKU and category postings only when a plan first reads one
 * (DimensionIndex.loadLazily). Only the attributes in `attributes` are
 * copied (absent: all): no plan on the small shard reads another.
 */
export function touchedShard(shard: Shard, orders: CustomerOrders, touched: Bitmap,
  /** the attributes the plans read (`<attr>`); absent: all */
  attributes?: ReadonlySet<string>,
  /** the customers whose order lines are copied too (absent: all); the others' orders have no lines here */
  withLines?: Bitmap): { mini: Shard; locals: Uint32Array } {
  const mini = new Shard();
  const locals = touched.toUint32Array();
  const n = locals.length;
  const names: string[] = new Array<string>(n);
  const miniOf = orders.miniOf(shard.customerCount);
  for (let i = 0; i < n; i++) {
    names[i] = shard.customers.value(locals[i]!);
    miniOf[locals[i]!] = i;
  }
  mini.customers = Dictionary.fromValues(names);
  try {
    const picked = pickOrders(shard, orders, locals, miniOf);
    const lines = new Uint8Array(n);
    for (let i = 0; i < n; i++) lines[i] = !withLines || withLines.has(locals[i]!) ? 1 : 0;
    copyOrders(shard, mini, picked, miniOf, orders.firstLine, lines);
    for (const [name, index] of shard.attributes) {
      if (attributes && !attributes.has(name)) continue;
      const { valueOf, values } = index.toColumn();
      for (let i = 0; i < n; i++) {
        const c = locals[i]!;
        const v = c < valueOf.length ? valueOf[c]! : -1;
        if (v >= 0) mini.setAttribute(i, name, values[v]!);
      }
    }
    for (const [tagId, holders] of shard.tags.entries()) {
      for (const c of Bitmap.and(holders, touched)) mini.tags.add(tagId, miniOf[c]!);
    }
  } finally {
    for (let i = 0; i < n; i++) miniOf[locals[i]!] = -1;
  }
  return { mini, locals };
}

/** The ordinals of the touched customers' orders, in (ts, ordinal) order. */
function pickOrders(shard: Shard, orders: CustomerOrders, locals: Uint32Array, miniOf: Int32Array): Uint32Array {
  orders.sync(shard);
  let total = 0;
  for (let i = 0; i < locals.length; i++) total += orders.count(locals[i]!);
  const byOrdinal = new Uint32Array(total);
  const orderCount = shard.orderCount, orderCustomer = shard.orderCustomer.data;
  if (total * SCAN_RATIO >= orderCount) {
    // many: one sequential pass over the shard's orders (in ordinal order already)
    for (let o = 0, at = 0; o < orderCount; o++) if (miniOf[orderCustomer[o]!]! >= 0) byOrdinal[at++] = o;
  } else {
    for (let i = 0, at = 0; i < locals.length; i++) at = orders.collect(locals[i]!, byOrdinal, at);
    radixSortU32(byOrdinal);
  }
  const orderTs = shard.orderTs.data;
  let inTimeOrder = true; // orders appended in time order (the usual case): sorted by ordinal is sorted by (ts, ordinal)
  for (let k = 1; k < byOrdinal.length && inTimeOrder; k++) inTimeOrder = orderTs[byOrdinal[k - 1]!]! <= orderTs[byOrdinal[k]!]!;
  if (inTimeOrder) return byOrdinal;
  if (byOrdinal.length < RANK_BITS) {
    // a native sort of float64 keys ts * 2^22 + rank (stable on ties)
    const keys = new Float64Array(byOrdinal.length);
    for (let k = 0; k < keys.length; k++) keys[k] = orderTs[byOrdinal[k]!]! * RANK_BITS + k;
    keys.sort();
    const picked = new Uint32Array(keys.length);
    for (let k = 0; k < keys.length; k++) picked[k] = byOrdinal[keys[k]! % RANK_BITS]!;
    return picked;
  }
  return byOrdinal.slice().sort((a, b) => orderTs[a]! - orderTs[b]! || a - b);
}

/** The picked orders and their lines, gathered into the (empty) small shard's columns; its postings and totals. */
function copyOrders(shard: Shard, mini: Shard, picked: Uint32Array, miniOf: Int32Array, firstLine: Int32Array,
  /** per small-shard customer: 1 when their lines are copied */
  withLines: Uint8Array): void {
  const n = picked.length;
  const lineCount = shard.lineCount, orderCustomer = shard.orderCustomer.data, orderCount = shard.orderCount;
  // an order's lines are rows firstLine[o] .. firstLine[o + 1] - 1: lines are appended with their order, in ordinal order
  let lines = 0;
  for (let k = 0; k < n; k++) {
    const o = picked[k]!;
    if (withLines[miniOf[orderCustomer[o]!]!] === 0) continue;
    lines += (o + 1 < orderCount ? firstLine[o + 1]! : lineCount) - firstLine[o]!;
  }
  const src = { customer: orderCustomer, ts: shard.orderTs.data, shop: shard.orderShop.data, alive: shard.orderAlive.data, amount: shard.orderAmount.data };
  const oCustomer = shared(src.customer, n), oTs = shared(src.ts, n), oShop = shared(src.shop, n), oAlive = shared(src.alive, n), oAmount = shared(src.amount, n);
  const sku = shard.lineSku.data, category = shard.lineCategory.data, quantity = shard.lineQuantity.data, amount = shard.lineAmount.data;
  const lOrder = shared(shard.lineOrder.data, lines), lSku = shared(sku, lines), lCategory = shared(category, lines), lQuantity = shared(quantity, lines), lAmount = shared(amount, lines);
  for (let k = 0, at = 0; k < n; k++) {
    const o = picked[k]!;
    const c = miniOf[src.customer[o]!]!;
    oCustomer[k] = c;
    oTs[k] = src.ts[o]!;
    oShop[k] = src.shop[o]!;
    oAlive[k] = src.alive[o]!;
    oAmount[k] = src.amount[o]!;
    if (withLines[c] === 0) continue;
    const end = o + 1 < orderCount ? firstLine[o + 1]! : lineCount;
    for (let row = firstLine[o]!; row < end; row++, at++) {
      lOrder[at] = k;
      lSku[at] = sku[row]!;
      lCategory[at] = category[row]!;
      lQuantity[at] = quantity[row]!;
      lAmount[at] = amount[row]!;
    }
  }
  mini.orderCustomer.take(oCustomer as Uint32Array);
  mini.orderTs.take(oTs as NarrowData);
  mini.orderShop.take(oShop as NarrowData);
  mini.orderAlive.take(oAlive as Uint8Array);
  mini.orderAmount.take(oAmount as NarrowData);
  mini.lineOrder.take(lOrder as Uint32Array);
  mini.lineSku.take(lSku as Uint32Array);
  mini.lineCategory.take(lCategory as NarrowData);
  mini.lineQuantity.take(lQuantity as NarrowData);
  mini.lineAmount.take(lAmount as NarrowData);
  mini.rebuildCustomerTotals();
  mini.allOrders.posting.reset(TimePosting.ofOrderedView(identityRows(n), mini.orderTime));
  fillByCountingSort(mini.byShop, mini.orderShop.data, n, mini.orderTime);
  mini.bySku.loadLazily(mini.lineSku.data, lines, mini.rowTime);
  mini.byCategory.loadLazily(mini.lineCategory.data, lines, mini.rowTime);
}

type AnyTyped = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** A zeroed array of `src`'s type and `n` values in shared memory (what the small shard's columns take without a copy). */
function shared(src: AnyTyped, n: number): AnyTyped {
  const Ctor = src.constructor as new (buffer: SharedArrayBuffer, offset: number, length: number) => AnyTyped;
  return new Ctor(new SharedArrayBuffer(Math.max(1, n) * src.BYTES_PER_ELEMENT), 0, n);
}
