import { Bitmap } from '../index/bitmap.js';
import { Shard } from '../store/shard.js';

/**
 * A shard holding only `touched` customers of `shard`, with all of their
 * orders (and lines, liveness), attributes and tags, under the same
 * external ids and the store's catalog ids. A per-customer condition
 * (tags, attributes, `<bought>`, `<firstOrder>`/`<lastOrder>`, `<sample>`,
 * `<sequence>`, and/or/not) has the same answer for a customer here as in
 * the whole shard, so an append's changes are found by evaluating the plan
 * on this small shard instead of scanning the store's postings.
 * `locals[i]` is the real shard-local id of the small shard's customer i.
 */
export function touchedShard(shard: Shard, touched: Bitmap): { mini: Shard; locals: Uint32Array } {
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
  // their orders in (ts, ordinal) order: one pass over the all-orders posting with a lookup per order
  // (no per-customer lists to keep, no sort), so the small shard's postings are built by counting sorts
  const ordered = shard.allOrders.posting.ordered(shard.orderTime);
  const picked: number[] = [];
  let lines = 0;
  for (let k = 0; k < ordered.length; k++) {
    const o = ordered[k]!;
    if (miniOf[orderCustomer[o]!]! < 0) continue;
    picked.push(o);
  }
  const firsts = new Uint32Array(picked.length);
  const ends = new Uint32Array(picked.length);
  for (let k = 0; k < picked.length; k++) {
    const o = picked[k]!;
    let row = firstLine(lineOrder, lineCount, o);
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
  mini.finishBulk();
  for (const [name, index] of shard.attributes) {
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

/** First line row of order `o` (lineOrder ascends over rows). */
function firstLine(lineOrder: ArrayLike<number>, lineCount: number, o: number): number {
  let lo = 0, hi = lineCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lineOrder[mid]! < o) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
