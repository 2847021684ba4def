import { hasQuantityBound } from '../exec/bought-query.js';
import type { Bitmap } from '../index/bitmap.js';
import { fail } from '../model/errors.js';
import type { BoughtPlan } from '../elements/bought/plan.js';
import { exhaustive, type PlanNode } from '../plan/plan-node.js';
import type { Catalog } from '../store/catalog.js';
import type { CustomerRuns } from './customer-orders.js';
import { masksOf } from './round-screen.js';

/**
 * Live plans a customer's own order columns answer: every `<bought>`,
 * `<firstOrder>` and `<lastOrder>` in them reads only an order's ts, shop,
 * amount and liveness (no SKU or category filter, no quantity bound), and
 * every other leaf is a tag, an attribute or a sample (answered by the
 * shard's index). A round evaluates such a plan customer by customer over
 * the customers' orders as CustomerOrders collects them, grouped by
 * customer: no small shard, so no sort of their orders into time order and
 * no copy (touched-shard.ts), which cost most of a round when every order
 * counts (`<bought minCount="3"/>` over all of history).
 * Checked against full evaluations by test/live/direct-evaluation.test.ts.
 */
export function isDirect(plan: PlanNode): boolean {
  const cached = directCache.get(plan);
  if (cached !== undefined) return cached;
  let out: boolean;
  switch (plan.kind) {
    case 'and':
    case 'or':
      out = plan.children.every(isDirect);
      break;
    case 'andNot':
      out = isDirect(plan.left) && plan.remove.every(isDirect);
      break;
    case 'not':
      out = isDirect(plan.child);
      break;
    case 'empty':
    case 'tag':
    case 'attr':
    case 'sample':
      out = true;
      break;
    case 'bought':
      out = plan.skus === undefined && plan.categories === undefined && !hasQuantityBound(plan);
      break;
    case 'firstOrder':
    case 'lastOrder':
      out = plan.skus === undefined && plan.categories === undefined && isDirect(plan.inside) && (plan.beyond === undefined || isDirect(plan.beyond));
      break;
    case 'sequence':
    case 'score':
    case 'liveRef':
      out = false;
      break;
    default:
      exhaustive(plan);
      out = false;
  }
  directCache.set(plan, out);
  return out;
}

const directCache = new WeakMap<PlanNode, boolean>();

/** The positions in `sorted` (ascending) of `subset` (ascending, every value in `sorted`): one merge. */
export function positionsOf(sorted: Uint32Array, subset: Uint32Array): Uint32Array {
  const out = new Uint32Array(subset.length);
  for (let k = 0, i = 0; k < subset.length; k++) {
    while (sorted[i]! < subset[k]!) i++;
    if (sorted[i] !== subset[k]) throw fail.internal(`customer ${subset[k]} is not among the collected ones`);
    out[k] = i++;
  }
  return out;
}

/**
 * The members of a direct plan (isDirect) among the customers at positions
 * `at` (ascending) of `runs`: their positions, ascending. `shardLeaf`
 * answers a tag, attribute or sample leaf on the whole shard.
 */
export function evaluateDirect(plan: PlanNode, runs: CustomerRuns, at: Uint32Array, catalog: Catalog, shardLeaf: (leaf: PlanNode) => Bitmap): Uint32Array {
  const m = at.length;
  const { start, customers } = runs;
  const { ts, shop, amount, alive } = runs.columns;
  const memo = new Map<PlanNode, Uint8Array>();
  const visit = (node: PlanNode): Uint8Array => {
    let out = memo.get(node);
    if (!out) {
      out = compute(node);
      memo.set(node, out);
    }
    return out;
  };
  const compute = (node: PlanNode): Uint8Array => {
    const out = new Uint8Array(m);
    switch (node.kind) {
      case 'and': {
        out.fill(1);
        for (const c of node.children) {
          const v = visit(c);
          for (let j = 0; j < m; j++) out[j]! &= v[j]!;
        }
        return out;
      }
      case 'or':
        for (const c of node.children) {
          const v = visit(c);
          for (let j = 0; j < m; j++) out[j]! |= v[j]!;
        }
        return out;
      case 'andNot': {
        out.set(visit(node.left));
        for (const r of node.remove) {
          const v = visit(r);
          for (let j = 0; j < m; j++) out[j]! &= v[j]! ^ 1;
        }
        return out;
      }
      case 'not': {
        const v = visit(node.child);
        for (let j = 0; j < m; j++) out[j] = v[j]! ^ 1;
        return out;
      }
      case 'empty':
        return out;
      case 'tag':
      case 'attr':
      case 'sample': {
        const holders = shardLeaf(node);
        for (let j = 0; j < m; j++) out[j] = holders.has(customers[at[j]!]!) ? 1 : 0;
        return out;
      }
      case 'bought': {
        // the kernels' rule for an order-level <bought>: counting (alive) orders in [lo, hi] with a shop that passes; their amounts
        const shops = shopMask(node, catalog);
        const { lo, hi, maxCount, minAmountCents, maxAmountCents } = node;
        const minCount = Math.max(1, node.minCount);
        // with no upper bound, a customer passes as soon as the lower ones are reached: the scan stops there
        const upTo = maxCount === undefined && maxAmountCents === undefined;
        const minCents = minAmountCents ?? -Infinity;
        for (let j = 0; j < m; j++) {
          const i = at[j]!;
          let count = 0, cents = 0;
          // newest first (a customer's orders are about in time order): windows ending now are found at once
          for (let p = start[i + 1]! - 1, first = start[i]!; p >= first; p--) {
            const t = ts[p]!;
            if (alive[p] === 0 || t < lo || t > hi || (shops !== undefined && shops[shop[p]!] !== 1)) continue;
            count++;
            cents += amount[p]!;
            if (upTo && count >= minCount && cents >= minCents) break;
          }
          out[j] = count >= minCount && (maxCount === undefined || count <= maxCount) && (minAmountCents === undefined || cents >= minAmountCents) &&
            (maxAmountCents === undefined || cents <= maxAmountCents) ? 1 : 0;
        }
        return out;
      }
      case 'firstOrder':
      case 'lastOrder': {
        // inside AND NOT beyond (first-last-order/plan.ts), both order-level <bought>s
        out.set(visit(node.inside));
        if (node.beyond) {
          const v = visit(node.beyond);
          for (let j = 0; j < m; j++) out[j]! &= v[j]! ^ 1;
        }
        return out;
      }
      case 'sequence':
      case 'score':
      case 'liveRef':
        throw fail.internal(`live plan node ${node.kind} evaluated customer by customer (isDirect says no)`);
      default:
        exhaustive(node);
        throw fail.internal('unknown plan node kind');
    }
  };
  const result = visit(plan);
  let count = 0;
  for (let j = 0; j < m; j++) count += result[j]!;
  const members = new Uint32Array(count);
  for (let j = 0, k = 0; j < m; j++) if (result[j]) members[k++] = at[j]!;
  return members;
}

/** A `<bought>`'s shop filter as a byte per shop id (1: passes); undefined: any shop. */
function shopMask(node: BoughtPlan, catalog: Catalog): Uint8Array | undefined {
  const shops = masksOf(node, catalog).shops;
  if (shops === undefined) return undefined;
  const cached = shopMasks.get(node);
  if (cached?.size === catalog.shops.size) return cached.mask;
  const mask = new Uint8Array(catalog.shops.size + 1);
  for (const id of shops) mask[id] = 1;
  shopMasks.set(node, { size: catalog.shops.size, mask });
  return mask;
}

const shopMasks = new WeakMap<BoughtPlan, { size: number; mask: Uint8Array }>();

