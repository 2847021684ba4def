import { prepareBought, runBought } from '../../exec/eval-bought.js';
import { Bitmap } from '../../index/bitmap.js';
import { OrderEdges } from '../../index/order-edges.js';
import type { EvalContext, Steps } from '../definition.js';
import type { OrderEdgePlan } from './plan.js';

/**
 * An unfiltered `<firstOrder>`/`<lastOrder>` on one shard from its per-customer
 * first and last order ts (index/order-edges.ts):
 * - firstOrder: the earliest counting order up to asOf is the customer's
 *   first order when that is <= asOf, and there is none otherwise (then the
 *   first order is after hi, outside the window): member iff lo <= first <= hi.
 * - lastOrder: when the customer's last order is <= asOf it is the latest up
 *   to asOf: member iff lo <= last <= hi. A customer with an order after
 *   asOf (a query into the past) is decided as the scans would: an order in
 *   [lo, hi] and none in (hi, asOf], by the `<bought>` kernels on this thread
 *   limited to those customers.
 */
export function* computeByRollup(n: OrderEdgePlan<'firstOrder' | 'lastOrder'>, ctx: EvalContext): Steps<Bitmap> {
  const edges = ctx.shard.orderEdges();
  yield;
  const count = Math.min(edges.length, ctx.shard.customerCount);
  const { first, last } = edges;
  const NONE = OrderEdges.NONE;
  const { lo, hi, asOf } = n;
  const members = new Uint32Array(count);
  let m = 0;
  let later: number[] | undefined;
  if (n.kind === 'firstOrder') {
    for (let c = 0; c < count; c++) {
      const f = first[c]!;
      if (f !== NONE && f >= lo && f <= hi) members[m++] = c;
    }
  } else {
    for (let c = 0; c < count; c++) {
      if (first[c] === NONE) continue;
      const l = last[c]!;
      if (l > asOf) (later ??= []).push(c);
      else if (l >= lo && l <= hi) members[m++] = c;
    }
  }
  const result = new Bitmap();
  result.addMany(members.subarray(0, m));
  if (later !== undefined) {
    yield;
    result.orInPlace(lastOrderByScans(n, ctx, later));
  }
  return result;
}

/** lastOrder for `customers` (each with an order after asOf): an order in [lo, hi], none in (hi, asOf]. */
function lastOrderByScans(n: OrderEdgePlan<'firstOrder' | 'lastOrder'>, ctx: EvalContext, customers: readonly number[]): Bitmap {
  const candidates = new Int32Array((ctx.shard.customerCount >>> 5) + 1);
  for (const c of customers) candidates[c >>> 5]! |= 1 << (c & 31);
  const scan = (lo: number, hi: number): Bitmap => {
    const task = prepareBought({ lo, hi, minCount: 1 }, ctx.shard, ctx.catalog, '', candidates);
    return task === undefined ? new Bitmap() : runBought(task, ctx.scratch);
  };
  const inside = scan(n.lo, n.hi);
  if (n.hi < n.asOf) inside.andNotInPlace(scan(n.hi + 1, n.asOf));
  return inside;
}
