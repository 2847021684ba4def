// Random query trees over a dataset's vocabulary, plus renderers to the
// contract's XML and (through sql.ts) to DuckDB SQL.

import { boundMs, sampleBucket } from './model.js';
import type { AttrNode, Bound, BoughtNode, OrderEdgeNode, Filter, QNode, SampleNode, ScoreNode, SegmentTree, SequenceNode, SequenceStep } from './query-tree.js';
import { translateSegment } from './sql.js';
import { DATES, DAY_STARTS, LAST_CHOICES, Rng, ZONES, type Vocab, unitMs } from './random-data.js';
import { isoWithOffset, isoZ } from './time.js';

export interface QueryGenOptions {
  maxDepth?: number; // nesting depth of condition nodes below <segment>, default 4
  savedNames?: string[]; // names usable in <ref>
  allowRef?: boolean;
  /** asOf the query will likely run at: windows are mostly placed before it so they hit */
  asOfHint?: number;
}

function centsText(rng: Rng, cents: number): string {
  const whole = Math.floor(cents / 100);
  const frac = cents % 100;
  if (frac === 0) return rng.pick([`${whole}`, `${whole}.00`, `${whole}.0`]);
  if (frac % 10 === 0) return rng.pick([`${whole}.${frac / 10}`, `${whole}.${frac}`]);
  return `${whole}.${String(frac).padStart(2, '0')}`;
}

/** Number rendered as a query numeric literal. */
function numText(rng: Rng, n: number): string {
  const s = String(n);
  if (Number.isInteger(n) && rng.bool(0.15)) return `${s}.0`;
  return s;
}

function genFilter(rng: Rng, pool: string[]): Filter {
  const vals = [...pool, 'nope'];
  if (rng.bool(0.5)) {
    return { values: [rng.pick(vals)], form: rng.bool(0.7) ? 'attr' : 'children' };
  }
  return { values: rng.sample(vals, rng.int(1, 3)), form: 'children' };
}

function genInstant(rng: Rng, vocab: Vocab, hint?: number): number {
  const r = rng.next();
  if (r < 0.5) {
    const starts = hint !== undefined && rng.bool(0.8) ? DAY_STARTS.filter((d) => d <= hint) : [];
    return rng.pick(starts.length ? starts : DAY_STARTS) + rng.pick([-1000, 0, 0, 1000, 500, -500]);
  }
  if (r < 0.7) {
    const a = rng.pick(vocab.asOfs);
    const l = rng.pick(LAST_CHOICES);
    return a - l.n * unitMs(l.unit) + rng.pick([0, 1000, -1000]);
  }
  return Date.UTC(2026, 1, 20) + rng.int(0, 300 * 86400) * 1000 + (rng.bool(0.2) ? rng.int(1, 999) : 0);
}

export function renderInstant(rng: Rng, ms: number): string {
  if (rng.bool(0.3)) return isoZ(ms);
  return isoWithOffset(ms, rng.pick([480, -300, -240, 0, 330]), rng.bool(0.1));
}

function genBound(rng: Rng, vocab: Vocab, hint?: number): Bound {
  // contract 7.1: asOf - N units; the data has orders at asOf - N units of LAST_CHOICES, +-1 s
  if (rng.bool(0.3)) return rng.bool(0.85) ? { kind: 'relative', ...rng.pick(LAST_CHOICES) } : { kind: 'relative', n: rng.int(0, 400), unit: rng.pick(['h', 'd', 'w'] as const) };
  if (rng.bool(0.55)) {
    const dates = hint !== undefined && rng.bool(0.8) ? DATES.filter((d) => Date.parse(d) <= hint) : [];
    return { kind: 'date', date: rng.pick(dates.length ? dates : DATES) };
  }
  return { kind: 'datetime', text: renderInstant(rng, genInstant(rng, vocab, hint)) };
}

/**
 * from <= to in every zone the query might be evaluated in (refs inherit the
 * caller's tz). Two relative bounds are ordered by their text; a relative
 * bound against an absolute one is always allowed (contract 7.1: past each
 * other at the asOf, an empty window).
 */
function boundsOk(from: Bound, to: Bound): boolean {
  if (from.kind === 'relative' && to.kind === 'relative') return from.n * unitMs(from.unit) >= to.n * unitMs(to.unit);
  if (from.kind === 'relative' || to.kind === 'relative') return true;
  return ZONES.every((z) => boundMs(from, 'from', z) <= boundMs(to, 'to', z));
}

function genBought(rng: Rng, vocab: Vocab, hint?: number): BoughtNode {
  const n: BoughtNode = { k: 'bought' };
  if (rng.bool(0.45)) n.sku = genFilter(rng, vocab.skus);
  if (rng.bool(0.3)) n.category = genFilter(rng, vocab.categories);
  if (rng.bool(0.3)) n.shop = genFilter(rng, vocab.shops);
  const w = rng.next();
  if (w < 0.3) {
    n.last = rng.bool(0.8) ? { ...rng.pick(LAST_CHOICES) } : { n: rng.int(1, 100), unit: rng.pick(['h', 'd', 'w'] as const) };
  } else if (w < 0.8) {
    const which = rng.int(0, 2);
    if (which !== 1) n.from = genBound(rng, vocab, hint);
    if (which !== 0) n.to = genBound(rng, vocab, rng.bool(0.5) ? hint : undefined);
    if (n.from && n.to) {
      for (let tries = 0; !boundsOk(n.from, n.to); tries++) {
        if (tries > 20) {
          delete n.to;
          break;
        }
        n.to = genBound(rng, vocab, tries < 10 ? undefined : hint);
      }
    }
  }
  if (rng.bool(0.3)) n.minCount = rng.int(1, 3);
  if (rng.bool(0.2)) n.maxCount = rng.int(n.minCount ?? 1, (n.minCount ?? 1) + 2);
  const amount = () => (rng.bool(0.7) && vocab.amountsCents.length ? rng.pick(vocab.amountsCents) : rng.int(0, 80000));
  let minC: number | undefined;
  if (rng.bool(0.25)) {
    minC = amount();
    n.minAmount = centsText(rng, minC);
  }
  if (rng.bool(0.2)) {
    let maxC = amount();
    if (minC !== undefined && maxC < minC) maxC = minC + rng.int(0, 5000);
    n.maxAmount = centsText(rng, maxC);
  }
  // contract 7.2: line quantities are 1..3 in the data, so small sums bite
  if (rng.bool(0.2)) n.minQuantity = rng.int(1, 6);
  if (rng.bool(0.15)) n.maxQuantity = rng.int(n.minQuantity ?? 1, (n.minQuantity ?? 1) + rng.pick([0, 1, 3, 8]));
  return n;
}

/** `<firstOrder>`/`<lastOrder>` (7.3): a `<bought>`'s filters and window, without its thresholds. */
function genOrderEdge(rng: Rng, vocab: Vocab, hint?: number): OrderEdgeNode {
  const b = genBought(rng, vocab, hint);
  const n: OrderEdgeNode = { k: rng.bool() ? 'firstOrder' : 'lastOrder' };
  if (b.sku) n.sku = b.sku;
  if (b.category) n.category = b.category;
  if (b.shop) n.shop = b.shop;
  if (b.from) n.from = b.from;
  if (b.to) n.to = b.to;
  if (b.last) n.last = b.last;
  return n;
}

function genAttr(rng: Rng, vocab: Vocab): AttrNode {
  const name = rng.bool(0.05) ? 'nosuch' : rng.pick(vocab.attrNames);
  const strs = vocab.attrStrings.filter((s) => s !== '');
  const nums = vocab.attrNumbers;
  const eqValue = (): string => {
    const r = rng.next();
    if (r < 0.45 && strs.length) return rng.pick(strs);
    if (r < 0.9 && nums.length) return numText(rng, rng.pick(nums));
    return rng.pick(['Xiamen', '31', 'none', '2']);
  };
  const r = rng.next();
  if (r < 0.3) return { k: 'attr', name, eq: eqValue() };
  if (r < 0.45) {
    const values = Array.from({ length: rng.int(1, 3) }, eqValue).filter((v) => v.trim() === v);
    return values.length ? { k: 'attr', name, values } : { k: 'attr', name, eq: eqValue() };
  }
  if (r < 0.8) {
    const n: AttrNode = { k: 'attr', name };
    // at most one lower and one upper bound (the engine refuses gt+gte / lt+lte together)
    const lower = rng.pick(['gt', 'gte'] as const);
    const upper = rng.pick(['lt', 'lte'] as const);
    const ops = rng.pick([[lower], [upper], [lower, upper]]);
    for (const op of ops) {
      const v = rng.bool(0.8) && nums.length ? rng.pick(nums) + rng.pick([0, 0, 1, -1, 0.5]) : rng.int(-5, 200);
      n[op] = numText(rng, v);
    }
    return n;
  }
  return { k: 'attr', name, exists: rng.bool() };
}

export function genNode(rng: Rng, vocab: Vocab, depth: number, opts: QueryGenOptions): QNode {
  const maxDepth = opts.maxDepth ?? 4;
  const canRef = (opts.allowRef ?? true) && (opts.savedNames?.length ?? 0) > 0;
  const leafOnly = depth >= maxDepth;
  const r = rng.next();
  if (!leafOnly && r < 0.3) {
    const c = rng.next();
    if (c < 0.35) return { k: 'and', children: Array.from({ length: rng.int(1, 3) }, () => genNode(rng, vocab, depth + 1, opts)) };
    if (c < 0.7) return { k: 'or', children: Array.from({ length: rng.int(1, 3) }, () => genNode(rng, vocab, depth + 1, opts)) };
    return { k: 'not', child: genNode(rng, vocab, depth + 1, opts) };
  }
  const l = rng.next();
  if (canRef && l < 0.1) return { k: 'ref', name: rng.pick(opts.savedNames!) };
  if (l >= 0.48 && l < 0.6) return genOrderEdge(rng, vocab, opts.asOfHint);
  if (l < 0.6) return genBought(rng, vocab, opts.asOfHint);
  if (l < 0.72) return { k: 'tag', name: rng.bool(0.08) ? '__none__' : rng.pick(vocab.tags) };
  if (l > 0.93) return genSample(rng, vocab);
  if (l > 0.88) return genSequence(rng, vocab, opts.asOfHint);
  if (l > 0.84) return genScore(rng, vocab, opts.asOfHint);
  return genAttr(rng, vocab);
}

/**
 * `<sequence>` (7.4): 1..3 steps (one step always with an absent), an
 * absent half the time, a within that is mostly one of the data's
 * asOf - anchor distances (so step pairs land exactly on the edge of
 * within, and ts(o1) + within exactly on asOf), sometimes a window
 * (relative bounds included). Steps often have no filter or a shop only,
 * so same-second orders of one customer meet.
 */
export function genSequence(rng: Rng, vocab: Vocab, hint?: number): SequenceNode {
  const step = (): SequenceStep => {
    const f: SequenceStep = {};
    if (rng.bool(0.45)) f.sku = genFilter(rng, vocab.skus);
    if (rng.bool(0.3)) f.category = genFilter(rng, vocab.categories);
    if (rng.bool(0.2)) f.shop = genFilter(rng, vocab.shops);
    return f;
  };
  const withAbsent = rng.bool(0.5);
  const k = withAbsent ? rng.int(1, 3) : rng.int(2, 3);
  const within = rng.bool(0.7) ? { ...rng.pick(LAST_CHOICES) } : { n: rng.int(1, 30), unit: rng.pick(['h', 'd', 'w'] as const) };
  const n: SequenceNode = { k: 'sequence', within, steps: Array.from({ length: k }, step) };
  if (withAbsent) n.absent = step();
  if (rng.bool(0.4)) {
    const b = genBought(rng, vocab, hint);
    if (b.from) n.from = b.from;
    if (b.to) n.to = b.to;
    if (b.last) n.last = b.last;
  }
  return n;
}

/**
 * `<score>` (7.5): any `by`, `<bought>`'s filters and window (relative
 * bounds included), a scale (often the default 5, sometimes 2 or 100) or
 * cuts (for monetary often the data's own amounts, so totals land exactly
 * on a cut; frequency and quantity small, where equal values abound), and
 * min / max anywhere in 1..top.
 */
export function genScore(rng: Rng, vocab: Vocab, hint?: number): ScoreNode {
  const b = genBought(rng, vocab, hint);
  const by = rng.pick(['recency', 'frequency', 'monetary', 'quantity'] as const);
  const n: ScoreNode = { k: 'score', by, min: 1 };
  if (b.sku) n.sku = b.sku;
  if (b.category) n.category = b.category;
  if (b.shop) n.shop = b.shop;
  if (b.from) n.from = b.from;
  if (b.to) n.to = b.to;
  if (b.last) n.last = b.last;
  let top: number;
  if (by !== 'recency' && rng.bool(0.35)) {
    const m = rng.int(1, 4);
    const values = new Set<number>();
    for (let i = 0; i < m * 2 && values.size < m; i++) {
      if (by === 'monetary') values.add(rng.bool(0.6) && vocab.amountsCents.length ? rng.pick(vocab.amountsCents) * rng.int(1, 3) : rng.int(0, 100000));
      else values.add(rng.int(0, by === 'frequency' ? 4 : 10));
    }
    const sorted = [...values].sort((x, y) => x - y);
    n.cuts = sorted.map((x) => (by === 'monetary' ? centsText(rng, x) : String(x)));
    top = sorted.length + 1;
  } else {
    const scale = rng.pick([undefined, undefined, 2, 3, 4, 5, 7, 10, 100]);
    if (scale !== undefined) n.scale = scale;
    top = scale ?? 5;
  }
  n.min = rng.int(1, top);
  if (rng.bool(0.5)) n.max = rng.int(n.min, top);
  return n;
}

const SAMPLE_SEEDS = ['spring', 'spring-24', '双11-holdout', "a&b <'c'>", ' ', 'x'.repeat(60)];

/** Hundredths as a percentage text, in the forms the contract allows (12.5, 12.50, 012.5, 100.00). */
function percentText(rng: Rng, h: number): string {
  const whole = Math.floor(h / 100), frac = h % 100;
  const w = rng.bool(0.1) ? `0${whole}` : String(whole);
  if (frac === 0) return rng.pick([w, `${w}.0`, `${w}.00`]);
  return frac % 10 === 0 ? rng.pick([`${w}.${frac / 10}`, `${w}.${frac}`]) : `${w}.${String(frac).padStart(2, '0')}`;
}

/** `<sample>`: often with a bound exactly on a customer's bucket (from inclusive, to exclusive). */
export function genSample(rng: Rng, vocab: Vocab): SampleNode {
  const seed = rng.pick(SAMPLE_SEEDS);
  let lo: number, hi: number;
  const r = rng.next();
  if (r < 0.5 && vocab.customers.length > 0) {
    const b = sampleBucket(seed, rng.pick(vocab.customers));
    if (rng.bool() || b === 0) { lo = b; hi = rng.bool(0.3) ? b + 1 : rng.int(b + 1, 10000); }
    else { hi = b; lo = rng.bool(0.3) ? b - 1 : rng.int(0, b - 1); }
  } else if (r < 0.6) {
    [lo, hi] = rng.pick([[0, 10000], [0, 1], [9999, 10000], [0, 5000], [5000, 10000]]);
  } else {
    lo = rng.int(0, 9999);
    hi = rng.int(lo + 1, Math.min(10000, lo + rng.pick([50, 1000, 5000, 10000])));
  }
  return { k: 'sample', seed, from: percentText(rng, lo), to: percentText(rng, hi) };
}

export function genQuery(rng: Rng, vocab: Vocab, opts: QueryGenOptions = {}): SegmentTree {
  return { children: Array.from({ length: rng.pick([1, 1, 1, 1, 2, 2, 3]) }, () => genNode(rng, vocab, 1, opts)) };
}

// ---------------------------------------------------------------------------
// Query context: how asOf and tz reach the engine.

export interface QueryCtx {
  asOfMs: number;
  tz: string;
  /** attributes to put on <segment> */
  segAsOf?: string;
  segTz?: string;
  /** options to pass to engine.query */
  optAsOf?: string | number | Date;
  optTz?: string;
}

export function genCtx(rng: Rng, vocab: Vocab): QueryCtx {
  const asOfMs = rng.bool(0.85) ? rng.pick(vocab.asOfs) : genInstant(rng, vocab);
  const tz = rng.pick(ZONES);
  const ctx: QueryCtx = { asOfMs, tz };
  const asOfForm = (): string | number | Date => {
    const f = rng.int(0, 2);
    return f === 0 ? renderInstant(rng, asOfMs) : f === 1 ? asOfMs : new Date(asOfMs);
  };
  if (rng.bool(0.3)) {
    ctx.segAsOf = renderInstant(rng, asOfMs);
    if (rng.bool(0.5)) ctx.optAsOf = asOfMs + 86_400_000 * rng.int(1, 40); // decoy: segment attribute wins
  } else {
    ctx.optAsOf = asOfForm();
  }
  if (rng.bool(0.05)) {
    // no zone anywhere: the contract's fallback is UTC (Engine.open({}) configures none)
    ctx.tz = 'UTC';
  } else if (rng.bool(0.3)) {
    ctx.segTz = tz;
    if (rng.bool(0.5)) ctx.optTz = rng.pick(ZONES.filter((z) => z !== tz)); // decoy
  } else {
    ctx.optTz = tz;
  }
  return ctx;
}

// ---------------------------------------------------------------------------
// XML rendering

export interface XmlOptions {
  asOf?: string;
  tz?: string;
  name?: string;
  /** randomness for numeric character references, quote style and layout; omit for plain output */
  rng?: Rng;
  pretty?: boolean;
}

function charRef(rng: Rng | undefined, ch: string): string | undefined {
  if (!rng || !rng.bool(0.15)) return undefined;
  const cp = ch.codePointAt(0)!;
  return rng.bool() ? `&#${cp};` : `&#x${cp.toString(16).toUpperCase()};`;
}

function escAttr(v: string, quote: '"' | "'", rng?: Rng): string {
  let out = '';
  for (const ch of v) {
    const ref = charRef(rng, ch);
    if (ref) {
      out += ref;
      continue;
    }
    switch (ch) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += rng?.bool() ? '>' : '&gt;';
        break;
      case '"':
        out += quote === '"' ? '&quot;' : rng?.bool() ? '&quot;' : '"';
        break;
      case "'":
        out += quote === "'" ? (rng?.bool() ? '&#39;' : '&apos;') : rng?.bool() ? '&apos;' : "'";
        break;
      case '\t':
        out += '&#9;';
        break;
      case '\n':
        out += '&#10;';
        break;
      case '\r':
        out += '&#13;';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

function escText(v: string, rng?: Rng): string {
  let out = '';
  for (const ch of v) {
    const ref = charRef(rng, ch);
    if (ref) {
      out += ref;
      continue;
    }
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '\r') out += '&#13;';
    else out += ch;
  }
  return out;
}

function renderBound(b: Bound): string {
  if (b.kind === 'relative') return `-${b.n}${b.unit}`;
  return b.kind === 'date' ? b.date : b.text;
}

export function toXml(tree: SegmentTree, opts: XmlOptions = {}): string {
  const rng = opts.rng;
  const pretty = opts.pretty ?? (rng ? rng.bool(0.5) : false);
  const attrs = (pairs: Array<[string, string | undefined]>): string => {
    const present = pairs.filter((p): p is [string, string] => p[1] !== undefined);
    if (rng) {
      // attribute order is insignificant in XML
      for (let i = present.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [present[i], present[j]] = [present[j]!, present[i]!];
      }
    }
    return present
      .map(([k, v]) => {
        const q: '"' | "'" = rng?.bool(0.2) ? "'" : '"';
        return ` ${k}=${q}${escAttr(v, q, rng)}${q}`;
      })
      .join('');
  };
  const ind = (d: number) => (pretty ? '\n' + '  '.repeat(d) : '');
  const el = (name: string, a: string, kids: string[], d: number): string =>
    kids.length === 0 ? `${ind(d)}<${name}${a}/>` : `${ind(d)}<${name}${a}>${kids.join('')}${ind(d)}</${name}>`;

  const node = (n: QNode, d: number): string => {
    switch (n.k) {
      case 'and':
      case 'or':
        return el(n.k, '', n.children.map((c) => node(c, d + 1)), d);
      case 'not':
        return el('not', '', [node(n.child, d + 1)], d);
      case 'tag':
        return el('tag', attrs([['name', n.name]]), [], d);
      case 'ref':
        return el('ref', attrs([['segment', n.name]]), [], d);
      case 'sample':
        return el('sample', attrs([['seed', n.seed], ['from', n.from], ['to', n.to]]), [], d);
      case 'attr': {
        const a = attrs([
          ['name', n.name],
          ['eq', n.eq],
          ['gt', n.gt],
          ['gte', n.gte],
          ['lt', n.lt],
          ['lte', n.lte],
          ['exists', n.exists === undefined ? undefined : String(n.exists)],
        ]);
        const kids = (n.values ?? []).map((v) => `${ind(d + 1)}<value>${escText(v, rng)}</value>`);
        return el('attr', a, kids, d);
      }
      case 'sequence': {
        const a = attrs([
          ['within', `${n.within.n}${n.within.unit}`],
          ['from', n.from && renderBound(n.from)],
          ['to', n.to && renderBound(n.to)],
          ['last', n.last && `${n.last.n}${n.last.unit}`],
        ]);
        // each step renders as a <bought> of its filters, under its own name
        const stepXml = (f: SequenceStep, name: string) =>
          node({ k: 'bought', ...f }, d + 1).replace(/^(\s*)<bought/, `$1<${name}`).replace(/<\/bought>$/, `</${name}>`);
        const kids = n.steps.map((f) => stepXml(f, 'step'));
        if (n.absent) kids.push(stepXml(n.absent, 'absent'));
        return el('sequence', a, kids, d);
      }
      case 'score': {
        // <bought>'s filters and window as it renders them, under its own name, with its own attributes
        const own = attrs([
          ['by', n.by],
          ['scale', n.scale?.toString()],
          ['cuts', n.cuts?.join(',')],
          ['min', String(n.min)],
          ['max', n.max?.toString()],
        ]);
        const { by: _by, scale: _scale, cuts: _cuts, min: _min, max: _max, ...filters } = n;
        return node({ ...filters, k: 'bought' }, d).replace(/^(\s*)<bought/, `$1<score${own}`).replace(/<\/bought>$/, '</score>');
      }
      case 'firstOrder':
      case 'lastOrder':
        // rendered as <bought> renders its filters and window, under its own name
        return node({ ...n, k: 'bought' }, d).replace(/^(\s*)<bought/, `$1<${n.k}`).replace(/<\/bought>$/, `</${n.k}>`);
      case 'bought': {
        const filt = (f: Filter | undefined): string | undefined => (f && f.form === 'attr' ? f.values[0] : undefined);
        const a = attrs([
          ['sku', filt(n.sku)],
          ['category', filt(n.category)],
          ['shop', filt(n.shop)],
          ['from', n.from && renderBound(n.from)],
          ['to', n.to && renderBound(n.to)],
          ['last', n.last && `${n.last.n}${n.last.unit}`],
          ['minCount', n.minCount?.toString()],
          ['maxCount', n.maxCount?.toString()],
          ['minAmount', n.minAmount],
          ['maxAmount', n.maxAmount],
          ['minQuantity', n.minQuantity?.toString()],
          ['maxQuantity', n.maxQuantity?.toString()],
        ]);
        const kids: string[] = [];
        for (const key of ['sku', 'category', 'shop'] as const) {
          const f = n[key];
          if (f && f.form === 'children') for (const v of f.values) kids.push(`${ind(d + 1)}<${key}>${escText(v, rng)}</${key}>`);
        }
        if (rng) {
          for (let i = kids.length - 1; i > 0; i--) {
            const j = rng.int(0, i);
            [kids[i], kids[j]] = [kids[j]!, kids[i]!];
          }
        }
        return el('bought', a, kids, d);
      }
    }
  };
  const head = attrs([
    ['name', opts.name],
    ['asOf', opts.asOf],
    ['tz', opts.tz],
  ]);
  const body = tree.children.map((c) => node(c, 1)).join('');
  const decl = rng?.bool(0.1) ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '';
  return `${decl}<segment${head}>${body}${pretty ? '\n' : ''}</segment>`;
}

// ---------------------------------------------------------------------------
// DuckDB SQL: the oracle's one translation (sql.ts), over the tables of duckdb.ts.

/** The member ids of a (ref-free) tree as DuckDB SQL at the given asOf and zone. */
export function toSql(tree: SegmentTree, ctx: { asOfMs: number; tz: string }): string {
  return translateSegment(tree, ctx).membersSql;
}
