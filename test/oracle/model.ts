// Brute-force reference model of the segment-query contract
// (/work/shared/spec/segment-query.md). Written from the contract alone:
// plain JS maps and sets, every query evaluated by scanning everything.

import { createHash } from 'node:crypto';
import type { AttrNode, BoughtNode, OrderEdgeNode, QNode, ScoreNode, SegmentTree, SequenceNode, SequenceStep } from './query-tree.js';
import { parseIsoWithOffset, rawTsToSeconds } from './time.js';
import { boundMs, unitMs, windowMs, type EvalCtx } from './window.js';

export { boundMs, type EvalCtx } from './window.js';

export class RefBadRecord extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefBadRecord';
  }
}

export interface RefLine {
  sku: string;
  category: string;
  quantity: number;
  cents: number;
}

export interface RefOrder {
  orderId: string;
  customerId: string;
  tsS: number; // epoch seconds (floor of ms / 1000)
  shop: string;
  status: 'paid' | 'refunded';
  refunded: boolean; // a refund event arrived
  lines: RefLine[];
}


const AMOUNT_RE = /^\d+(?:\.\d{1,2})?$/;

/** Money (yuan) as decimal string or number, >= 0, <= 2 decimals -> integer cents. */
export function amountToCents(a: unknown): number {
  let text: string;
  if (typeof a === 'number') {
    if (!Number.isFinite(a) || a < 0) throw new RefBadRecord(`bad amount ${a}`);
    text = String(a); // shortest round-trip representation
  } else if (typeof a === 'string') {
    text = a;
  } else {
    throw new RefBadRecord('amount missing');
  }
  if (!AMOUNT_RE.test(text)) throw new RefBadRecord(`bad amount ${JSON.stringify(a)}`);
  const [i, f = ''] = text.split('.');
  const cents = Number(i) * 100 + Number(f.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) throw new RefBadRecord(`amount too large ${text}`);
  return cents;
}

/**
 * "a value that parses as a number" (query values: eq, gt, gte, lt, lte): a
 * finite decimal as written in a query, optional minus, digits, optional
 * fraction and exponent (`31`, `-2.5`, `1e3`); no plus sign, no bare `.5` or `5.`.
 */
export function parseNumeric(s: string): number | undefined {
  if (!/^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n + 0 : undefined;
}

function nonEmptyString(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new RefBadRecord(`${what} must be a non-empty string`);
  return v;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class RefModel {
  readonly orders = new Map<string, RefOrder>();
  readonly known = new Set<string>();
  readonly attrs = new Map<string, Map<string, string | number>>();
  readonly tags = new Map<string, Set<string>>();
  readonly saved = new Map<string, SegmentTree>();

  /** Applies one raw contract-shaped record, or throws RefBadRecord with no effect. */
  apply(rec: unknown): void {
    if (!isObj(rec)) throw new RefBadRecord('record must be an object');
    switch (rec.type) {
      case 'order': {
        const orderId = nonEmptyString(rec.order_id, 'order_id');
        const customerId = nonEmptyString(rec.customer_id, 'customer_id');
        let tsS: number;
        try {
          tsS = rawTsToSeconds(rec.ts);
        } catch (e) {
          throw new RefBadRecord(`bad ts: ${(e as Error).message}`);
        }
        const shop = nonEmptyString(rec.shop, 'shop');
        if (rec.status !== 'paid' && rec.status !== 'refunded') throw new RefBadRecord('bad status');
        if (!Array.isArray(rec.lines) || rec.lines.length === 0) throw new RefBadRecord('lines must be non-empty');
        const lines: RefLine[] = rec.lines.map((l: unknown) => {
          if (!isObj(l)) throw new RefBadRecord('line must be an object');
          const q = l.quantity;
          if (typeof q !== 'number' || !Number.isInteger(q) || q < 1) throw new RefBadRecord('bad quantity');
          return {
            sku: nonEmptyString(l.sku, 'sku'),
            category: nonEmptyString(l.category, 'category'),
            quantity: q,
            cents: amountToCents(l.amount),
          };
        });
        if (this.orders.has(orderId)) throw new RefBadRecord(`duplicate order ${orderId}`);
        this.orders.set(orderId, { orderId, customerId, tsS, shop, status: rec.status, refunded: false, lines });
        this.known.add(customerId);
        return;
      }
      case 'refund': {
        const orderId = nonEmptyString(rec.order_id, 'order_id');
        const o = this.orders.get(orderId);
        if (!o) throw new RefBadRecord(`refund of unknown order ${orderId}`);
        o.refunded = true;
        return;
      }
      case 'customer': {
        const customerId = nonEmptyString(rec.customer_id, 'customer_id');
        if (!isObj(rec.attrs)) throw new RefBadRecord('attrs must be an object');
        const entries = Object.entries(rec.attrs);
        for (const [, v] of entries) {
          if (v === null || typeof v === 'string') continue;
          if (typeof v === 'number' && Number.isFinite(v)) continue;
          throw new RefBadRecord('attribute value must be string, finite number or null');
        }
        let m = this.attrs.get(customerId);
        if (!m) this.attrs.set(customerId, (m = new Map()));
        for (const [k, v] of entries) {
          if (v === null) m.delete(k);
          else m.set(k, v as string | number);
        }
        this.known.add(customerId);
        return;
      }
      case 'tag': {
        const customerId = nonEmptyString(rec.customer_id, 'customer_id');
        const tag = nonEmptyString(rec.tag, 'tag');
        if (rec.op !== 'add' && rec.op !== 'remove') throw new RefBadRecord('bad op');
        let s = this.tags.get(customerId);
        if (!s) this.tags.set(customerId, (s = new Set()));
        if (rec.op === 'add') s.add(tag);
        else s.delete(tag);
        this.known.add(customerId);
        return;
      }
      default:
        throw new RefBadRecord(`unknown record type ${String(rec.type)}`);
    }
  }

  applyAll(recs: readonly unknown[]): void {
    for (const r of recs) this.apply(r);
  }

  save(name: string, tree: SegmentTree): void {
    this.saved.set(name, tree);
  }

  evaluate(tree: SegmentTree, ctx: EvalCtx): Set<string> {
    return this.evalAll(tree.children, ctx, []);
  }

  // ---------------------------------------------------------------------------

  private evalAll(children: QNode[], ctx: EvalCtx, stack: string[]): Set<string> {
    if (children.length === 0) throw new Error('at least one child required');
    let acc = this.evalNode(children[0]!, ctx, stack);
    for (const c of children.slice(1)) {
      const s = this.evalNode(c, ctx, stack);
      acc = new Set([...acc].filter((x) => s.has(x)));
    }
    return acc;
  }

  private evalNode(n: QNode, ctx: EvalCtx, stack: string[]): Set<string> {
    switch (n.k) {
      case 'and':
        return this.evalAll(n.children, ctx, stack);
      case 'or': {
        if (n.children.length === 0) throw new Error('or needs children');
        const out = new Set<string>();
        for (const c of n.children) for (const x of this.evalNode(c, ctx, stack)) out.add(x);
        return out;
      }
      case 'not': {
        const s = this.evalNode(n.child, ctx, stack);
        return new Set([...this.known].filter((x) => !s.has(x)));
      }
      case 'tag': {
        const out = new Set<string>();
        for (const [c, s] of this.tags) if (s.has(n.name)) out.add(c);
        return out;
      }
      case 'attr':
        return this.evalAttr(n);
      case 'ref': {
        const t = this.saved.get(n.name);
        if (!t) throw new Error(`unknown segment ${n.name}`);
        if (stack.includes(n.name)) throw new Error(`reference cycle via ${n.name}`);
        return this.evalAll(t.children, ctx, [...stack, n.name]);
      }
      case 'bought':
        return this.evalBought(n, ctx);
      case 'firstOrder':
      case 'lastOrder':
        return this.evalOrderEdge(n, ctx);
      case 'sequence':
        return this.evalSequence(n, ctx);
      case 'score':
        return this.evalScore(n, ctx);
      case 'sample': {
        const lo = percentHundredths(n.from), hi = percentHundredths(n.to);
        return new Set([...this.known].filter((c) => sampleBucket(n.seed, c) >= lo && sampleBucket(n.seed, c) < hi));
      }
    }
  }

  private evalAttr(n: AttrNode): Set<string> {
    const out = new Set<string>();
    for (const c of this.known) {
      const v = this.attrs.get(c)?.get(n.name);
      if (n.exists !== undefined) {
        if ((v !== undefined) === n.exists) out.add(c);
        continue;
      }
      if (v === undefined) continue; // missing attribute matches no comparison
      let ok = true;
      if (n.eq !== undefined) ok &&= eqMatch(v, n.eq);
      if (n.values !== undefined) ok &&= n.values.some((q) => eqMatch(v, q));
      const cmp: Array<[string | undefined, (a: number, b: number) => boolean]> = [
        [n.gt, (a, b) => a > b],
        [n.gte, (a, b) => a >= b],
        [n.lt, (a, b) => a < b],
        [n.lte, (a, b) => a <= b],
      ];
      for (const [bound, f] of cmp) {
        if (bound === undefined) continue;
        const b = parseNumeric(bound);
        if (b === undefined) throw new Error(`malformed number ${bound}`);
        ok &&= typeof v === 'number' && f(v, b);
      }
      if (ok) out.add(c);
    }
    return out;
  }

  /** Resolves the window of a bought node to inclusive epoch-ms bounds [lo, hi] plus an exclusive lower bound. */
  static window(n: BoughtNode, ctx: EvalCtx): { fromMs: number; toMs: number; afterMs: number } {
    // contract 7.1: a relative bound against an absolute one past it is an empty window, not an error
    const mixed = n.from && n.to && (n.from.kind === 'relative') !== (n.to.kind === 'relative');
    if (n.from && n.to && !mixed && boundMs(n.from, 'from', ctx.tz, ctx.asOfMs) > boundMs(n.to, 'to', ctx.tz, ctx.asOfMs)) {
      throw new Error('from after to');
    }
    return windowMs(n, ctx);
  }

  /**
   * 7.3: the customer's earliest (firstOrder) or latest (lastOrder) counting
   * order with a matching line and ts <= asOf, over all history, has its ts
   * in the window. Refunded orders do not count, so they never are that order.
   */
  private evalOrderEdge(n: OrderEdgeNode, ctx: EvalCtx): Set<string> {
    const { fromMs, toMs, afterMs } = RefModel.window({ k: 'bought', from: n.from, to: n.to, last: n.last }, ctx);
    const edge = new Map<string, number>();
    for (const o of this.orders.values()) {
      if (o.status !== 'paid' || o.refunded) continue;
      const t = o.tsS * 1000;
      if (t > ctx.asOfMs) continue;
      if (n.shop && !n.shop.values.includes(o.shop)) continue;
      if (!o.lines.some((l) => (!n.sku || n.sku.values.includes(l.sku)) && (!n.category || n.category.values.includes(l.category)))) continue;
      const seen = edge.get(o.customerId);
      if (seen === undefined || (n.k === 'firstOrder' ? t < seen : t > seen)) edge.set(o.customerId, t);
    }
    const out = new Set<string>();
    for (const [c, t] of edge) if (t >= fromMs && t <= toMs && t > afterMs) out.add(c);
    return out;
  }

  /**
   * 7.4, by brute force: for each customer, every chain of counting orders
   * o1..ok (oi with a line matching step i, ts strictly increasing, every ts
   * in the window and <= asOf) is enumerated; the customer matches when one
   * has ts(ok) - ts(o1) <= within and, with an absent B, ts(o1) + within <=
   * asOf and no counting order with a line matching B has
   * ts(ok) < ts(b) <= ts(o1) + within (b anywhere in time, not only in the window).
   */
  private evalSequence(n: SequenceNode, ctx: EvalCtx): Set<string> {
    const { fromMs, toMs, afterMs } = RefModel.window({ k: 'bought', from: n.from, to: n.to, last: n.last }, ctx);
    const withinMs = n.within.n * unitMs(n.within.unit);
    const byCustomer = new Map<string, RefOrder[]>();
    for (const o of this.orders.values()) {
      if (o.status !== 'paid' || o.refunded || o.tsS * 1000 > ctx.asOfMs) continue;
      let list = byCustomer.get(o.customerId);
      if (!list) byCustomer.set(o.customerId, (list = []));
      list.push(o);
    }
    const matches = (o: RefOrder, f: SequenceStep) =>
      (!f.shop || f.shop.values.includes(o.shop)) &&
      o.lines.some((l) => (!f.sku || f.sku.values.includes(l.sku)) && (!f.category || f.category.values.includes(l.category)));
    const inWindow = (o: RefOrder) => { const t = o.tsS * 1000; return t >= fromMs && t <= toMs && t > afterMs; };
    const out = new Set<string>();
    for (const [c, orders] of byCustomer) {
      const holds = (chain: RefOrder[]): boolean => {
        const t1 = chain[0]!.tsS * 1000, tk = chain[chain.length - 1]!.tsS * 1000;
        if (tk - t1 > withinMs) return false;
        if (!n.absent) return true;
        if (t1 + withinMs > ctx.asOfMs) return false;
        return !orders.some((b) => matches(b, n.absent!) && b.tsS * 1000 > tk && b.tsS * 1000 <= t1 + withinMs);
      };
      const search = (chain: RefOrder[]): boolean => {
        if (chain.length === n.steps.length) return holds(chain);
        const step = n.steps[chain.length]!;
        const prev = chain[chain.length - 1];
        return orders.some((o) => (prev === undefined || o.tsS > prev.tsS) && inWindow(o) && matches(o, step) && search([...chain, o]));
      };
      if (search([])) out.add(c);
    }
    return out;
  }

  /**
   * 7.5, straight from the text: v(c) for every customer with a counting
   * order with a matching line in the window (recency: the latest such ts;
   * frequency: their number; monetary / quantity: the sum over their
   * matching lines), then each score: with cuts 1 + the number of cuts <= v;
   * with a scale k, L(c) = the number of customers with a smaller value
   * (counted over the sorted values) and min(k, 1 + floor(k L / n)) in BigInt.
   */
  private evalScore(n: ScoreNode, ctx: EvalCtx): Set<string> {
    const { fromMs, toMs, afterMs } = RefModel.window({ k: 'bought', from: n.from, to: n.to, last: n.last }, ctx);
    const v = new Map<string, number>();
    for (const o of this.orders.values()) {
      if (o.status !== 'paid' || o.refunded) continue;
      const t = o.tsS * 1000;
      if (t > ctx.asOfMs || t < fromMs || t > toMs || t <= afterMs) continue;
      if (n.shop && !n.shop.values.includes(o.shop)) continue;
      const lines = o.lines.filter((l) => (!n.sku || n.sku.values.includes(l.sku)) && (!n.category || n.category.values.includes(l.category)));
      if (lines.length === 0) continue;
      const old = v.get(o.customerId);
      switch (n.by) {
        case 'recency': v.set(o.customerId, old === undefined ? o.tsS : Math.max(old, o.tsS)); break;
        case 'frequency': v.set(o.customerId, (old ?? 0) + 1); break;
        case 'monetary': v.set(o.customerId, (old ?? 0) + lines.reduce((a, l) => a + l.cents, 0)); break;
        case 'quantity': v.set(o.customerId, (old ?? 0) + lines.reduce((a, l) => a + l.quantity, 0)); break;
      }
    }
    const top = n.cuts ? n.cuts.length + 1 : (n.scale ?? 5);
    const max = n.max ?? top;
    const sorted = [...v.values()].sort((a, b) => a - b);
    const size = BigInt(sorted.length);
    const smaller = (x: number): number => {
      let lo = 0, hi = sorted.length;
      while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m]! < x) lo = m + 1; else hi = m; }
      return lo;
    };
    const cuts = n.cuts?.map((x) => (n.by === 'monetary' ? amountToCents(x) : Number(x)));
    const out = new Set<string>();
    for (const [c, x] of v) {
      let score: number;
      if (cuts) score = 1 + cuts.filter((cut) => x >= cut).length;
      else {
        const k = BigInt(n.scale ?? 5);
        const s = 1n + (k * BigInt(smaller(x))) / size;
        score = Number(s < k ? s : k);
      }
      if (score >= n.min && score <= max) out.add(c);
    }
    return out;
  }

  private evalBought(n: BoughtNode, ctx: EvalCtx): Set<string> {
    const { fromMs, toMs, afterMs } = RefModel.window(n, ctx);
    const minCount = n.minCount ?? 1;
    const perCustomer = new Map<string, { count: number; cents: number; quantity: number }>();
    for (const o of this.orders.values()) {
      if (o.status !== 'paid' || o.refunded) continue;
      const t = o.tsS * 1000;
      if (!(t >= fromMs && t <= toMs && t > afterMs)) continue;
      if (n.shop && !n.shop.values.includes(o.shop)) continue;
      let matched = false;
      let cents = 0;
      let quantity = 0;
      for (const l of o.lines) {
        if (n.sku && !n.sku.values.includes(l.sku)) continue;
        if (n.category && !n.category.values.includes(l.category)) continue;
        matched = true;
        cents += l.cents;
        quantity += l.quantity;
      }
      if (!matched) continue;
      const agg = perCustomer.get(o.customerId) ?? { count: 0, cents: 0, quantity: 0 };
      agg.count += 1;
      agg.cents += cents;
      agg.quantity += quantity;
      perCustomer.set(o.customerId, agg);
    }
    const minC = n.minAmount !== undefined ? amountToCents(n.minAmount) : undefined;
    const maxC = n.maxAmount !== undefined ? amountToCents(n.maxAmount) : undefined;
    const out = new Set<string>();
    for (const [c, agg] of perCustomer) {
      if (agg.count < 1) continue; // never matches zero orders
      if (agg.count < minCount) continue;
      if (n.maxCount !== undefined && agg.count > n.maxCount) continue;
      if (minC !== undefined && agg.cents < minC) continue;
      if (maxC !== undefined && agg.cents > maxC) continue;
      if (n.minQuantity !== undefined && agg.quantity < n.minQuantity) continue;
      if (n.maxQuantity !== undefined && agg.quantity > n.maxQuantity) continue;
      out.add(c);
    }
    return out;
  }
}

/** Contract 7.6: the first 8 bytes of MD5(seed + ":" + id) as a big-endian u64, mod 10000 (BigInt, node:crypto). */
export function sampleBucket(seed: string, customerId: string): number {
  const digest = createHash('md5').update(`${seed}:${customerId}`, 'utf8').digest();
  return Number(digest.readBigUInt64BE(0) % 10000n);
}

/** A `<sample>` percentage (0..100, at most 2 decimals) in hundredths, from the digits. */
export function percentHundredths(text: string): number {
  const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(text);
  if (!m) throw new Error(`malformed percentage ${text}`);
  return Number(BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0')));
}

function eqMatch(v: string | number, q: string): boolean {
  if (typeof v === 'string') return v === q;
  const n = parseNumeric(q);
  return n !== undefined && n === v;
}

/** asOf as passed to the engine (ISO string with offset, epoch ms, or Date) -> epoch ms. */
export function asOfToMs(a: string | number | Date): number {
  if (typeof a === 'number') return a;
  if (a instanceof Date) return a.getTime();
  return parseIsoWithOffset(a);
}
