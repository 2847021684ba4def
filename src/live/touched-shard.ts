import { radixSortU32 } from '../columns/radix-sort.js';
import type { NarrowData } from '../columns/growable.js';
import { Bitmap } from '../index/bitmap.js';
import { identityRows } from '../index/build-postings.js';
import { TimePosting } from '../index/time-posting.js';
import { AttributeIndex } from '../index/attribute-index.js';
import { fail } from '../model/errors.js';
import type { AttrValue } from '../model/records.js';
import { Dictionary } from '../store/dictionary.js';
import { Shard } from '../store/shard.js';
import type { CustomerOrders, PickedColumns } from './customer-orders.js';
import { RoundBuffers } from './round-buffers.js';

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
 * over the shard), so lines are copied only where `lineFrom` says: for the
 * customers of plans that read lines (a SKU or category filter, a quantity
 * bound, a `<sequence>`), of the orders from the earliest window bound at
 * which those plans read lines (round-screen.ts lineReach); the others'
 * orders are counted from the order columns alone. The
 * all-orders and shop postings are made at once (small: one per order);
 * SKU and category postings only when a plan first reads one
 * (DimensionIndex.loadLazily). Only the attributes in `attributes` are
 * copied (absent: all): no plan on the small shard reads another.
 */
export function touchedShard(shard: Shard, orders: CustomerOrders, touched: Bitmap, options: TouchedShardOptions = {}): { mini: Shard; locals: Uint32Array } {
  const { attributes, tagIds, lineFrom, buffers = new RoundBuffers() } = options;
  const mini = new Shard();
  const locals = touched.toUint32Array();
  const n = locals.length;
  mini.customers = Dictionary.subset(shard.customers, locals); // decoded only if read (<sample>)
  // per small-shard customer: the earliest order ts whose lines are copied
  const linesSince = new Float64Array(n);
  for (let i = 0; i < n; i++) linesSince[i] = lineFrom ? lineFrom.get(locals[i]!) ?? Infinity : -Infinity;
  const { picked, order, customerStart } = pickOrders(shard, orders, locals, buffers);
  copyOrders(shard, mini, picked, order, customerStart, orders.firstLine, linesSince, buffers);
  for (const [name, index] of shard.attributes) {
    if (attributes && !attributes.has(name)) continue;
    mini.attributes.set(name, subsetAttribute(index, locals));
  }
  for (const [tagId, holders] of shard.tags.entries()) {
    if (tagIds && !tagIds.has(tagId)) continue;
    const held = Bitmap.and(holders, touched);
    if (held.isEmpty) continue;
    // both ascending: walk them together
    const ids = held.toUint32Array();
    for (let i = 0, k = 0; k < ids.length; k++) {
      while (locals[i]! < ids[k]!) i++;
      ids[k] = i;
    }
    mini.tags.set(tagId, new Bitmap(ids));
  }
  return { mini, locals };
}

/** What touchedShard copies beyond the customers' orders, and where it builds them. */
export interface TouchedShardOptions {
  /** the attributes the plans read (`<attr>`); absent: all */
  attributes?: ReadonlySet<string>;
  /** the tags (catalog ids) the plans read (`<tag>`); absent: all */
  tagIds?: ReadonlySet<number>;
  /** per customer (shard-local), the earliest order ts whose lines are copied too (absent: all lines of everyone; a customer not in it: none) */
  lineFrom?: ReadonlyMap<number, number>;
  /** where to build it (reused round after round: the previous small shard of this shard must be dead); absent: new arrays */
  buffers?: RoundBuffers;
}

/** The attribute index of `locals`' customers, as small-shard ids 0..n-1 (only the values they hold). */
function subsetAttribute(index: AttributeIndex, locals: Uint32Array): AttributeIndex {
  const { valueOf, values } = index.toColumn();
  const remap = new Map<number, number>();
  const held: AttrValue[] = [];
  const miniValueOf = new Int32Array(locals.length);
  for (let i = 0; i < locals.length; i++) {
    const c = locals[i]!;
    const v = c < valueOf.length ? valueOf[c]! : -1;
    if (v < 0) {
      miniValueOf[i] = -1;
      continue;
    }
    let m = remap.get(v);
    if (m === undefined) {
      m = held.length;
      remap.set(v, m);
      held.push(values[v]!);
    }
    miniValueOf[i] = m;
  }
  return AttributeIndex.fromColumn(miniValueOf, held);
}

/**
 * The touched customers' orders (CustomerOrders.collect: their
 * columns read customer by customer, not order by order; customer i's at
 * customerStart[i] .. customerStart[i + 1] - 1), and the order of their
 * ordinals (a radix sort): appends come in time order, so that is usually
 * the (ts, ordinal) order the small shard needs (copyOrders checks it).
 */
function pickOrders(shard: Shard, orders: CustomerOrders, locals: Uint32Array, buffers: RoundBuffers): { picked: PickedColumns; order: Uint32Array; customerStart: Uint32Array } {
  orders.sync(shard);
  const { columns: picked, start: customerStart } = orders.collect(shard, locals, buffers, 'small');
  const total = picked.ordinal.length;
  const keys = buffers.get('keys', U32, total);
  keys.set(picked.ordinal);
  const order = buffers.get('order', U32, total);
  for (let k = 0; k < total; k++) order[k] = k;
  radixSortU32(keys, order);
  return { picked, order, customerStart };
}

/** `order` (by ordinal) re-sorted by (ts, ordinal): appends that came out of time order. */
function byTime(picked: PickedColumns, order: Uint32Array): Uint32Array {
  const total = order.length, ts = picked.ts;
  if (total < RANK_BITS) {
    // a native sort of float64 keys ts * 2^22 + rank (rank: the position by ordinal, so ties stay in ordinal order)
    const timeKeys = new Float64Array(total);
    for (let k = 0; k < total; k++) timeKeys[k] = ts[order[k]!]! * RANK_BITS + k;
    timeKeys.sort();
    const out = new Uint32Array(total);
    for (let k = 0; k < total; k++) out[k] = order[timeKeys[k]! % RANK_BITS]!;
    return out;
  }
  return order.slice().sort((a, b) => ts[a]! - ts[b]! || picked.ordinal[a]! - picked.ordinal[b]!);
}

/**
 * The picked orders in (ts, ordinal) order and their lines, into the
 * (empty) small shard's columns; its postings and totals. The orders
 * whose lines are copied are found customer by customer (a customer's
 * orders are contiguous in `picked`: one pass over those of the customers
 * that need lines, not a look at every order), then put in time order by
 * a sort of their ranks.
 */
function copyOrders(shard: Shard, mini: Shard, picked: PickedColumns, byOrdinal: Uint32Array, customerStart: Uint32Array, firstLine: Int32Array,
  /** per small-shard customer: the earliest order ts whose lines are copied */
  linesSince: Float64Array, buffers: RoundBuffers): void {
  const n = byOrdinal.length;
  const { ordinal, ts, shop, amount, alive, owner } = picked;
  const b = <T extends AnyTyped>(name: string, like: T, count: number): T => buffers.get(name, like, count);
  const oCustomer = b('oCustomer', shard.orderCustomer.data, n), oTs = b('oTs', shard.orderTs.data, n), oShop = b('oShop', shard.orderShop.data, n);
  const oAlive = b('oAlive', shard.orderAlive.data, n), oAmount = b('oAmount', shard.orderAmount.data, n);
  // rank: each picked order's position in the small shard
  const rank = b('rank', U32, n);
  let order = byOrdinal;
  for (let pass = 0; ; pass++) {
    let inTimeOrder = true;
    for (let k = 0; k < n; k++) {
      const p = order[k]!;
      rank[p] = k;
      oCustomer[k] = owner[p]!;
      oTs[k] = ts[p]!;
      oShop[k] = shop[p]!;
      oAmount[k] = amount[p]!;
      oAlive[k] = alive[p]!;
      if (k > 0 && oTs[k - 1]! > oTs[k]!) inTimeOrder = false;
    }
    if (inTimeOrder) break;
    if (pass > 0) throw fail.internal('small shard orders not in time order after sorting by time');
    order = byTime(picked, byOrdinal);
  }
  // the orders whose lines are copied (their ranks), customer by customer; an order's lines are rows
  // firstLine[o] .. firstLine[o + 1] - 1 (lines are appended with their order, in ordinal order)
  const lineCount = shard.lineCount, orderCount = shard.orderCount;
  const withLines = b('withLines', U32, n);
  let count = 0, lines = 0;
  for (let i = 0; i + 1 < customerStart.length; i++) {
    const since = linesSince[i]!;
    if (since === Infinity) continue;
    for (let p = customerStart[i]!, end = customerStart[i + 1]!; p < end; p++) {
      if (ts[p]! < since) continue;
      const o = ordinal[p]!;
      lines += (o + 1 < orderCount ? firstLine[o + 1]! : lineCount) - firstLine[o]!;
      withLines[count++] = rank[p]!;
    }
  }
  const ranks = withLines.subarray(0, count);
  radixSortU32(ranks);
  const sku = shard.lineSku.data, category = shard.lineCategory.data, quantity = shard.lineQuantity.data, lineAmount = shard.lineAmount.data;
  const lOrder = b('lOrder', shard.lineOrder.data, lines), lSku = b('lSku', sku, lines), lCategory = b('lCategory', category, lines);
  const lQuantity = b('lQuantity', quantity, lines), lAmount = b('lAmount', lineAmount, lines);
  for (let j = 0, at = 0; j < count; j++) {
    const k = ranks[j]!;
    const o = ordinal[order[k]!]!;
    for (let row = firstLine[o]!, end = o + 1 < orderCount ? firstLine[o + 1]! : lineCount; row < end; row++, at++) {
      lOrder[at] = k;
      lSku[at] = sku[row]!;
      lCategory[at] = category[row]!;
      lQuantity[at] = quantity[row]!;
      lAmount[at] = lineAmount[row]!;
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
  mini.byShop.loadLazily(mini.orderShop.data, n, mini.orderTime);
  mini.bySku.loadLazily(mini.lineSku.data, lines, mini.rowTime);
  mini.byCategory.loadLazily(mini.lineCategory.data, lines, mini.rowTime);
}

type AnyTyped = Uint8Array | Uint16Array | Uint32Array | Float64Array;

const U32 = new Uint32Array(0);
