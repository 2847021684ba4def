import { Bitmap } from '../index/bitmap.js';
import { ORDER_DIMENSIONS, type DimensionFilters } from '../model/order-dimensions.js';
import type { EngineRecord } from '../model/records.js';
import { planChildren } from '../language/registry.js';
import { exhaustive, type PlanNode } from '../plan/plan-node.js';
import type { Catalog } from '../store/catalog.js';
import { shardOf } from '../store/route.js';
import type { Shard } from '../store/shard.js';
import type { Store } from '../store/store.js';

/**
 * What one commit round did to one shard, in the terms a live plan's leaves
 * are screened against (screen below).
 */
export interface ShardRound {
  /** every customer a record of the round named (orders, refunds: the order's customer, attributes, tags) */
  readonly touched: Bitmap;
  /** customers that did not exist before the round: they entered the universe, so every plan looks at them */
  readonly fresh: Bitmap;
  /** ordinals of the orders appended or refunded in the round */
  readonly orders: number[];
  /** the customers of those orders */
  readonly orderCustomers: Bitmap;
  /** the earliest and latest ts of those orders (a leaf whose window misses [minTs, maxTs] is not reached) */
  minTs: number;
  maxTs: number;
  /** attribute name -> customers whose record set or deleted it */
  readonly attrs: ReadonlyMap<string, Bitmap>;
  /** tag name -> customers who had it added or removed */
  readonly tags: ReadonlyMap<string, Bitmap>;
}

/** Each shard's order and customer counts at a moment (what a round's new orders and customers come after). */
export type StoreMark = readonly { readonly orders: number; readonly customers: number }[];

export function markStore(store: Store): StoreMark {
  return store.shards.map((s) => ({ orders: s.orderCount, customers: s.customerCount }));
}

/**
 * A round's records, after they were applied, per shard: new orders are the
 * ordinals past `before` (orders are appended, never moved), new customers
 * the local ids past it; refunds name their order through the store's
 * order directory.
 */
export function roundOf(store: Store, batches: readonly (readonly EngineRecord[])[], before: StoreMark): ShardRound[] {
  // ids collected in arrays and made bitmaps once at the end (one native call a set, not one an id)
  const collected = store.shards.map((shard, s) => {
    const orders: number[] = [];
    for (let o = before[s]!.orders; o < shard.orderCount; o++) orders.push(o);
    return { orders, others: [] as number[], attrs: new Map<string, number[]>(), tags: new Map<string, number[]>() };
  });
  const add = (map: Map<string, number[]>, key: string, c: number) => {
    let ids = map.get(key);
    if (!ids) map.set(key, (ids = []));
    ids.push(c);
  };
  for (const batch of batches) {
    for (const r of batch) {
      if (r.type === 'order') continue; // counted above, from the columns
      if (r.type === 'refund') {
        const at = store.locateOrder(r.orderId);
        if (at !== undefined) collected[at.shard]!.orders.push(at.ordinal);
        continue;
      }
      const s = shardOf(r.customerId, store.shardCount);
      const c = store.shards[s]!.customers.lookup(r.customerId);
      if (c === undefined) continue;
      const into = collected[s]!;
      into.others.push(c);
      if (r.type === 'customer') for (const name of Object.keys(r.attrs)) add(into.attrs, name, c);
      else add(into.tags, r.tag, c);
    }
  }
  const bitmaps = (map: Map<string, number[]>) => new Map([...map].map(([k, ids]) => [k, new Bitmap(Uint32Array.from(ids))] as const));
  return store.shards.map((shard, s) => {
    const { orders, others, attrs, tags } = collected[s]!;
    const ts = shard.orderTs.data, customer = shard.orderCustomer.data;
    const orderCustomers = new Uint32Array(orders.length);
    let minTs = Infinity, maxTs = -Infinity;
    for (let k = 0; k < orders.length; k++) {
      const o = orders[k]!;
      orderCustomers[k] = customer[o]!;
      if (ts[o]! < minTs) minTs = ts[o]!;
      if (ts[o]! > maxTs) maxTs = ts[o]!;
    }
    const ofOrders = new Bitmap(orderCustomers);
    const touched = ofOrders.clone();
    touched.addMany(Uint32Array.from(others));
    const fresh = new Bitmap();
    if (shard.customerCount > before[s]!.customers) fresh.addRange(before[s]!.customers, shard.customerCount);
    return { touched, fresh, orders, orderCustomers: ofOrders, minTs, maxTs, attrs: bitmaps(attrs), tags: bitmaps(tags) };
  });
}

/**
 * The customers of one shard whose answer to `plan` the round may have
 * changed: a superset of those whose answer did. Every plan node but
 * `<score>` answers a customer from that customer's data alone, and each
 * leaf reads only some of it, so a customer's answer can change only if a
 * record of the round falls inside what one of its leaves reads:
 *
 * - `<bought>`: an appended or refunded order inside its window [lo, hi]
 *   whose shop passes its shop filter and with a line passing its SKU and
 *   category filters (the kernels' own rule: exec/row-filters.ts);
 * - `<firstOrder>`/`<lastOrder>`: such an order at any time (a new first
 *   or last order moves the edge whatever the window);
 * - `<sequence>`: an order passing any step's or the absent's filters;
 * - `<tag>`/`<attr>`: a record of that tag or attribute;
 * - `<sample>`: nothing (a customer's bucket never changes);
 * - `<score>` and a `<ref>` answered from kept membership: everyone touched;
 * - and/or/not: the union of their inputs', except that under an and a
 *   customer the round did not reach through a `<tag>`/`<attr>` input that
 *   is false for them stays false (and under an andNot's removal, one that
 *   is true for them), so they are left out (with `holders`).
 *
 * Customers new in the round are always included (they entered the
 * universe, which `<not>` reads). Checked against full evaluations before
 * and after random rounds by test/live/round-screen.test.ts.
 */
export function screen(plan: PlanNode, round: ShardRound, shard: Shard, catalog: Catalog, firstLine: Int32Array,
  /** a `<tag>` or `<attr>` leaf's members on the shard now, read only (absent: the and/andNot refinement below is skipped) */
  holders?: (leaf: PlanNode) => Bitmap): Bitmap {
  const memo = new Map<PlanNode, Bitmap>();
  const visit = (node: PlanNode): Bitmap => {
    let out = memo.get(node);
    if (out) return out;
    out = leafOrCombined(node);
    memo.set(node, out);
    return out;
  };
  const union = (nodes: readonly PlanNode[]): Bitmap => {
    let out: Bitmap | undefined;
    for (const n of nodes) {
      const b = visit(n);
      if (!b.isEmpty) (out ??= new Bitmap()).orInPlace(b);
    }
    return out ?? EMPTY;
  };
  const orders = (filters: readonly DimensionFilters[], lo: number, hi: number): Bitmap => {
    if (hi < round.minTs || lo > round.maxTs) return EMPTY; // no order of the round in the window (none at all: minTs is Infinity)
    const masks = filters.map((f) => masksOf(f, catalog));
    // unfiltered, and the window holds all of the round's orders: every customer with one
    if (lo <= round.minTs && hi >= round.maxTs && masks.some((m) => !m.skus && !m.categories && !m.shops)) return round.orderCustomers;
    const hit: number[] = [];
    const ts = shard.orderTs.data, customer = shard.orderCustomer.data;
    for (const o of round.orders) {
      const t = ts[o]!;
      if (t < lo || t > hi) continue;
      for (const m of masks) {
        if (orderPasses(m, shard, o, firstLine)) {
          hit.push(customer[o]!);
          break;
        }
      }
    }
    return new Bitmap(Uint32Array.from(hit));
  };
  // an index leaf (tag, attribute) the round did not change for a customer keeps its value: under an and, a false one
  // keeps the and false, under an andNot's removal a true one keeps it false, so that customer's answer cannot change
  const isIndexLeaf = (n: PlanNode) => holders !== undefined && (n.kind === 'tag' || n.kind === 'attr');
  // (`within` is small, the holders may be large: only intersections with `within` are made)
  const mustHold = (within: Bitmap, leaf: PlanNode): Bitmap => Bitmap.or(Bitmap.and(within, visit(leaf)), Bitmap.and(within, holders!(leaf)));
  const mustLack = (within: Bitmap, leaf: PlanNode): Bitmap => Bitmap.andNot(within, Bitmap.andNot(Bitmap.and(within, holders!(leaf)), visit(leaf)));
  const leafOrCombined = (node: PlanNode): Bitmap => {
    switch (node.kind) {
      case 'and': {
        let out = union(node.children);
        for (const c of node.children) if (!out.isEmpty && isIndexLeaf(c)) out = mustHold(out, c);
        return out;
      }
      case 'or':
        return union(node.children);
      case 'andNot': {
        let out = union([node.left, ...node.remove]);
        if (!out.isEmpty && isIndexLeaf(node.left)) out = mustHold(out, node.left);
        for (const r of node.remove) if (!out.isEmpty && isIndexLeaf(r)) out = mustLack(out, r);
        return out;
      }
      case 'not':
        return visit(node.child);
      case 'empty':
      case 'sample':
        return EMPTY;
      case 'bought':
        return orders([node], node.lo, node.hi);
      case 'firstOrder':
      case 'lastOrder':
        return orders([node], -Infinity, Infinity);
      case 'sequence':
        return orders(node.absent ? [...node.steps, node.absent] : node.steps, -Infinity, Infinity);
      case 'tag':
        return round.tags.get(node.name) ?? EMPTY;
      case 'attr':
        return round.attrs.get(node.name) ?? EMPTY;
      case 'score':
      case 'liveRef':
        return round.touched;
      default:
        exhaustive(node);
        return round.touched; // a kind this does not know: everyone the round touched
    }
  };
  return Bitmap.or(visit(plan), round.fresh);
}

/**
 * The earliest order ts whose lines evaluating `plan` may read: the lowest
 * window bound of its leaves that read lines (a `<bought>` with a SKU or
 * category filter or a quantity bound reads the lines of orders in its
 * window only); -Infinity when one reads lines of any time (a filtered
 * `<firstOrder>`/`<lastOrder>`, a `<sequence>`, a `<score>`); Infinity
 * when it reads none (tags, attributes, samples, unfiltered order counts
 * and sums, which read order columns only). touched-shard.ts copies a
 * customer's lines only from there on.
 */
export function lineReach(plan: PlanNode): number {
  const cached = reachCache.get(plan);
  if (cached !== undefined) return cached;
  const lowest = (nodes: readonly PlanNode[]) => nodes.reduce((m, n) => Math.min(m, lineReach(n)), Infinity);
  let out: number;
  switch (plan.kind) {
    case 'and':
    case 'or':
      out = lowest(plan.children);
      break;
    case 'andNot':
      out = lowest([plan.left, ...plan.remove]);
      break;
    case 'not':
      out = lineReach(plan.child);
      break;
    case 'empty':
    case 'sample':
    case 'tag':
    case 'attr':
    case 'liveRef':
      out = Infinity;
      break;
    case 'bought':
      out = plan.skus !== undefined || plan.categories !== undefined || plan.minQuantity !== undefined || plan.maxQuantity !== undefined ? plan.lo : Infinity;
      break;
    case 'firstOrder':
    case 'lastOrder':
      out = plan.skus !== undefined || plan.categories !== undefined ? -Infinity : Math.min(lineReach(plan.inside), plan.beyond !== undefined ? lineReach(plan.beyond) : Infinity);
      break;
    case 'sequence':
    case 'score':
      out = -Infinity;
      break;
    default:
      exhaustive(plan);
      out = -Infinity; // a kind this does not know: all its lines
  }
  reachCache.set(plan, out);
  return out;
}

const reachCache = new WeakMap<PlanNode, number>();

/** The attributes and tags (by name) a plan's `<attr>` and `<tag>` nodes read. */
export interface PlanReads {
  attributes: Set<string>;
  tags: Set<string>;
}

/** Adds the attributes and tags `plan` reads to `into` (touched-shard.ts copies only those). */
export function addReads(plan: PlanNode, into: PlanReads, seen = new Set<PlanNode>()): void {
  if (seen.has(plan)) return;
  seen.add(plan);
  if (plan.kind === 'attr') into.attributes.add(plan.name);
  if (plan.kind === 'tag') into.tags.add(plan.name);
  for (const c of planChildren(plan)) addReads(c, into, seen);
}

/** The empty set the screen and the live segments share (read, never mutated). */
export const EMPTY = new Bitmap();


/** A filter as id masks (undefined: any value; an empty set: a value the catalog does not have, so nothing passes). */
export interface FilterMasks {
  skus?: Set<number>;
  categories?: Set<number>;
  shops?: Set<number>;
}

/** Masks by filter object, valid while the catalog's dictionaries keep their sizes (a value the catalog lacks may be added). */
const maskCache = new WeakMap<DimensionFilters, { skus: number; categories: number; shops: number; masks: FilterMasks }>();

export function masksOf(f: DimensionFilters, catalog: Catalog): FilterMasks {
  const cached = maskCache.get(f);
  if (cached && cached.skus === catalog.skus.size && cached.categories === catalog.categories.size && cached.shops === catalog.shops.size) return cached.masks;
  const masks = buildMasks(f, catalog);
  maskCache.set(f, { skus: catalog.skus.size, categories: catalog.categories.size, shops: catalog.shops.size, masks });
  return masks;
}

function buildMasks(f: DimensionFilters, catalog: Catalog): FilterMasks {
  const out: FilterMasks = {};
  for (const dim of ORDER_DIMENSIONS) {
    const values = f[dim.field];
    if (values === undefined) continue;
    const ids = new Set<number>();
    for (const v of values) {
      const id = catalog[dim.field].lookup(v);
      if (id !== undefined) ids.add(id);
    }
    out[dim.field] = ids;
  }
  return out;
}

/** The order passes the shop filter and has a line passing both line filters (exec/row-filters.ts lineMatches, liveness aside). */
function orderPasses(m: FilterMasks, shard: Shard, o: number, firstLine: Int32Array): boolean {
  if (m.shops && !m.shops.has(shard.orderShop.data[o]!)) return false;
  if (!m.skus && !m.categories) return true;
  const lineOrder = shard.lineOrder.data, sku = shard.lineSku.data, category = shard.lineCategory.data, lines = shard.lineCount;
  for (let row = firstLine[o]!; row >= 0 && row < lines && lineOrder[row] === o; row++) {
    if (m.skus && !m.skus.has(sku[row]!)) continue;
    if (m.categories && !m.categories.has(category[row]!)) continue;
    return true;
  }
  return false;
}
