import { radixSortU32 } from '../columns/radix-sort.js';
import type { NarrowData } from '../columns/growable.js';
import { Bitmap } from '../index/bitmap.js';
import { identityRows } from '../index/build-postings.js';
import { TimePosting } from '../index/time-posting.js';
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
export function touchedShard(shard: Shard, orders: CustomerOrders, touched: Bitmap,
  /** the attributes the plans read (`<attr>`); absent: all */
  attributes?: ReadonlySet<string>,
  /** per customer (shard-local), the earliest order ts whose lines are copied too (absent: all lines of everyone; a customer not in it: none) */
  lineFrom?: ReadonlyMap<number, number>,
  /** where to build it (reused round after round: the previous small shard of this shard must be dead); absent: new arrays */
  buffers: RoundBuffers = new RoundBuffers()): { mini: Shard; locals: Uint32Array } {
  const mini = new Shard();
  const locals = touched.toUint32Array();
  const n = locals.length;
  const names: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) names[i] = shard.customers.value(locals[i]!);
  mini.customers = Dictionary.fromValues(names);
  // per small-shard customer: the earliest order ts whose lines are copied
  const linesSince = new Float64Array(n);
  for (let i = 0; i < n; i++) linesSince[i] = lineFrom ? lineFrom.get(locals[i]!) ?? Infinity : -Infinity;
  const { picked, order } = pickOrders(shard, orders, locals, buffers);
  copyOrders(shard, mini, picked, order, orders.firstLine, linesSince, buffers);
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
    const held = Bitmap.and(holders, touched);
    if (held.isEmpty) continue;
    // both ascending: walk them together
    let i = 0;
    for (const c of held) {
      while (locals[i]! < c) i++;
      mini.tags.add(tagId, i);
    }
  }
  return { mini, locals };
}

/**
 * The touched customers' orders (CustomerOrders.collectColumns: their
 * columns read customer by customer, not order by order), and the order in
 * which they go into the small shard: (ts, ordinal), by a radix sort of the
 * ordinals (appends come in time order, so that is usually it) and, when
 * not, a sort of (ts, rank) keys.
 */
function pickOrders(shard: Shard, orders: CustomerOrders, locals: Uint32Array, buffers: RoundBuffers): { picked: PickedColumns; order: Uint32Array } {
  orders.sync(shard);
  let total = 0;
  for (let i = 0; i < locals.length; i++) total += orders.count(locals[i]!);
  const picked: PickedColumns = {
    ordinal: buffers.get('ordinal', U32, total), ts: buffers.get('ts', F64, total), shop: buffers.get('shop', U32, total),
    amount: buffers.get('amount', F64, total), alive: buffers.get('alive', U8, total), owner: buffers.get('owner', U32, total),
  };
  orders.collectColumns(shard, locals, picked);
  const keys = buffers.get('keys', U32, total);
  keys.set(picked.ordinal);
  const order = buffers.get('order', U32, total);
  for (let k = 0; k < total; k++) order[k] = k;
  radixSortU32(keys, order);
  const ts = picked.ts;
  let inTimeOrder = true;
  for (let k = 1; k < total && inTimeOrder; k++) inTimeOrder = ts[order[k - 1]!]! <= ts[order[k]!]!;
  if (inTimeOrder) return { picked, order };
  let byTime: Uint32Array;
  if (total < RANK_BITS) {
    // a native sort of float64 keys ts * 2^22 + rank (rank: the position by ordinal, so ties stay in ordinal order)
    const timeKeys = new Float64Array(total);
    for (let k = 0; k < total; k++) timeKeys[k] = ts[order[k]!]! * RANK_BITS + k;
    timeKeys.sort();
    byTime = new Uint32Array(total);
    for (let k = 0; k < total; k++) byTime[k] = order[timeKeys[k]! % RANK_BITS]!;
  } else {
    byTime = order.slice().sort((a, b) => ts[a]! - ts[b]! || picked.ordinal[a]! - picked.ordinal[b]!);
  }
  return { picked, order: byTime };
}

/** The picked orders in `order` and their lines, into the (empty) small shard's columns; its postings and totals. */
function copyOrders(shard: Shard, mini: Shard, picked: PickedColumns, order: Uint32Array, firstLine: Int32Array,
  /** per small-shard customer: the earliest order ts whose lines are copied */
  linesSince: Float64Array, buffers: RoundBuffers): void {
  const n = order.length;
  const lineCount = shard.lineCount, orderCount = shard.orderCount;
  const { ordinal, ts, shop, amount, alive, owner } = picked;
  // an order's lines are rows firstLine[o] .. firstLine[o + 1] - 1 (lines are appended with their order, in ordinal
  // order), read once here (a cache miss) and kept for the copy below
  const b = <T extends AnyTyped>(name: string, like: T, count: number): T => buffers.get(name, like, count);
  const from = b('lineStart', U32, n), to = b('lineEnd', U32, n);
  let lines = 0;
  for (let k = 0; k < n; k++) {
    const p = order[k]!;
    if (ts[p]! < linesSince[owner[p]!]!) {
      from[k] = to[k] = 0;
      continue;
    }
    const o = ordinal[p]!;
    from[k] = firstLine[o]!;
    to[k] = o + 1 < orderCount ? firstLine[o + 1]! : lineCount;
    lines += to[k]! - from[k]!;
  }
  const oCustomer = b('oCustomer', shard.orderCustomer.data, n), oTs = b('oTs', shard.orderTs.data, n), oShop = b('oShop', shard.orderShop.data, n);
  const oAlive = b('oAlive', shard.orderAlive.data, n), oAmount = b('oAmount', shard.orderAmount.data, n);
  const sku = shard.lineSku.data, category = shard.lineCategory.data, quantity = shard.lineQuantity.data, lineAmount = shard.lineAmount.data;
  const lOrder = b('lOrder', shard.lineOrder.data, lines), lSku = b('lSku', sku, lines), lCategory = b('lCategory', category, lines);
  const lQuantity = b('lQuantity', quantity, lines), lAmount = b('lAmount', lineAmount, lines);
  for (let k = 0, at = 0; k < n; k++) {
    const p = order[k]!;
    const c = owner[p]!;
    oCustomer[k] = c;
    oTs[k] = ts[p]!;
    oShop[k] = shop[p]!;
    oAmount[k] = amount[p]!;
    oAlive[k] = alive[p]!;
    for (let row = from[k]!, end = to[k]!; row < end; row++, at++) {
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

const U8 = new Uint8Array(0), U32 = new Uint32Array(0), F64 = new Float64Array(0);
