/**
 * The oracle's one SQL translation: a query tree (query-tree.ts) to DuckDB SQL
 * over the tables of duckdb.ts
 *
 *   orders(order_id, customer_id, ts BIGINT epoch seconds, shop, alive)
 *   lines(order_id, sku, category, amount_cents)
 *   attrs(customer_id, name, str_val, num_val)   tags(customer_id, tag)   customers(customer_id)
 *
 * from the contract's text alone: windows come from window.ts, amounts and
 * numbers from the model's rules, and `<ref>` is resolved by reading the
 * saved segment's XML with xml-query.ts. Nothing here imports the engine:
 * the point is a cross-check of the engine, so agreement must not come from
 * shared code.
 *
 * Every condition becomes a SELECT of distinct `customer_id`s; combinators are
 * set operations (INTERSECT / UNION / EXCEPT, all distinct in DuckDB), with
 * `<and>`'s `<not>` children turned into EXCEPT as a person writing the SQL
 * by hand would (the result is the same as complementing against the universe).
 */
import { parseNumeric } from './model.js';
import type { AttrNode, BoughtNode, NotNode, OrderEdgeNode, ParsedSegment, QNode, SampleNode, ScoreNode, SegmentTree, SequenceNode, SequenceStep } from './query-tree.js';
import { windowSec } from './window.js';
import { checkZone, parseQuery, TranslateError, yuanToCents } from './xml-query.js';

export interface TranslateOptions {
  /** asOf when the segment has none, epoch milliseconds */
  asOfMs: number;
  /** zone when the segment has none (the caller's option, else the engine's zone, else UTC) */
  tz?: string;
  /** `<ref segment="x">`: the saved segment's XML; absent: refs are an error */
  resolveRef?: (name: string) => string | undefined;
}

export interface Translation {
  /** the distinct member customer ids, one column `customer_id` */
  membersSql: string;
  /** `SELECT count(*)` of the members */
  countSql: string;
  asOfMs: number;
  tz: string;
}

/**
 * A SQL string literal. Line breaks become chr(10) / chr(13) so that no literal
 * spans lines: the set operations below indent every line of their operands.
 */
const q = (s: string): string => {
  const lit = (part: string): string => `'${part.replaceAll("'", "''")}'`;
  if (!/[\r\n]/.test(s)) return lit(s);
  return `(${s.split(/(\r|\n)/).filter((p) => p !== '').map((p) => (p === '\n' ? 'chr(10)' : p === '\r' ? 'chr(13)' : lit(p))).join(' || ')})`;
};
const dbl = (n: number): string => `CAST('${String(n)}' AS DOUBLE)`;
const inList = (col: string, values: readonly string[]): string =>
  values.length === 1 ? `${col} = ${q(values[0]!)}` : `${col} IN (${values.map(q).join(', ')})`;
const indent = (s: string): string => s.replace(/^/gm, '  ');
/** Values without repeats, first occurrence kept (an any-of list means the same with repeats). */
const distinct = (values: readonly string[] | undefined): string[] | undefined => (values ? [...new Set(values)] : undefined);
const cents = (text: string): number => {
  const c = yuanToCents(text);
  if (c === undefined) throw new TranslateError(`"${text}" is not an amount`);
  return c;
};

const UNIVERSE = 'SELECT customer_id FROM customers';
const NOBODY = 'SELECT customer_id FROM customers WHERE false';

class Translator {
  private readonly refStack: string[] = [];

  constructor(
    private readonly asOfMs: number,
    private readonly tz: string,
    private readonly resolveRef: ((name: string) => string | undefined) | undefined,
  ) {}

  cond(c: QNode): string {
    switch (c.k) {
      case 'and': return this.all(c.children);
      case 'or': return c.children.length === 1 ? this.cond(c.children[0]!) : setOp('UNION', c.children.map((x) => this.cond(x)));
      case 'not': return setOp('EXCEPT', [UNIVERSE, this.cond(c.child)]);
      case 'bought': return this.bought(c);
      case 'firstOrder': case 'lastOrder': return this.orderEdge(c);
      case 'tag': return `SELECT customer_id FROM tags WHERE tag = ${q(c.name)}`;
      case 'attr': return this.attr(c);
      case 'ref': return this.ref(c.name);
      case 'sample': return sampleSql(c);
      case 'sequence': return this.sequence(c);
      case 'score': return this.score(c);
    }
  }

  /** AND: positive conditions intersected, then `<not>` children subtracted. */
  all(children: readonly QNode[]): string {
    const pos = children.filter((c) => c.k !== 'not').map((c) => this.cond(c));
    const neg = children.filter((c): c is NotNode => c.k === 'not').map((c) => this.cond(c.child));
    const base = pos.length === 0 ? UNIVERSE : pos.length === 1 ? pos[0]! : setOp('INTERSECT', pos);
    return neg.length === 0 ? base : setOp('EXCEPT', [base, ...neg]);
  }

  private ref(name: string): string {
    if (!this.resolveRef) throw new TranslateError(`<ref segment="${name}"> is not supported here (no saved segments given)`);
    if (this.refStack.includes(name)) throw new TranslateError(`reference cycle: ${[...this.refStack, name].join(' -> ')}`);
    const xml = this.resolveRef(name);
    if (xml === undefined) throw new TranslateError(`<ref segment="${name}">: no saved segment of that name`);
    // the saved segment runs with this query's asOf and zone, whatever its own attributes say
    this.refStack.push(name);
    try {
      return this.all(parseQuery(xml).children);
    } finally {
      this.refStack.pop();
    }
  }

  private bought(b: BoughtNode): string {
    const w = windowSec(b, { asOfMs: this.asOfMs, tz: this.tz });
    const skus = distinct(b.sku?.values);
    const categories = distinct(b.category?.values);
    const shops = distinct(b.shop?.values);
    const minCount = b.minCount ?? 1;
    const minCents = b.minAmount === undefined ? undefined : cents(b.minAmount);
    const maxCents = b.maxAmount === undefined ? undefined : cents(b.maxAmount);
    if (!w) return NOBODY;
    const lineFilters: string[] = [];
    if (skus) lineFilters.push(inList('l.sku', skus));
    if (categories) lineFilters.push(inList('l.category', categories));
    const amounts = minCents !== undefined || maxCents !== undefined;
    const quantities = b.minQuantity !== undefined || b.maxQuantity !== undefined;
    const needLines = lineFilters.length > 0 || amounts || quantities;
    const where = ['o.alive', w.lo === undefined ? `o.ts <= ${w.hi}` : `o.ts BETWEEN ${w.lo} AND ${w.hi}`];
    if (shops) where.push(inList('o.shop', shops));
    where.push(...lineFilters);
    const from = needLines ? 'orders o JOIN lines l ON l.order_id = o.order_id' : 'orders o';
    const orders = needLines ? 'count(DISTINCT o.order_id)' : 'count(*)'; // order_id is unique per merchant
    const having: string[] = [];
    if (minCount > 1) having.push(`${orders} >= ${minCount}`);
    if (b.maxCount !== undefined) having.push(`${orders} <= ${b.maxCount}`);
    if (minCents !== undefined) having.push(`sum(l.amount_cents) >= ${minCents}`);
    if (maxCents !== undefined) having.push(`sum(l.amount_cents) <= ${maxCents}`);
    if (b.minQuantity !== undefined) having.push(`sum(l.quantity) >= ${b.minQuantity}`);
    if (b.maxQuantity !== undefined) having.push(`sum(l.quantity) <= ${b.maxQuantity}`);
    const head = `FROM ${from}\nWHERE ${where.join('\n  AND ')}`;
    if (having.length === 0) return `SELECT DISTINCT o.customer_id AS customer_id ${head}`;
    return `SELECT o.customer_id AS customer_id ${head}\nGROUP BY o.customer_id\nHAVING ${having.join(' AND ')}`;
  }

  /**
   * 7.3: per customer, the min (firstOrder) or max (lastOrder) ts of the
   * counting orders with a matching line and ts <= asOf, inside the window.
   */
  private orderEdge(n: OrderEdgeNode): string {
    const w = windowSec({ k: 'bought', from: n.from, to: n.to, last: n.last }, { asOfMs: this.asOfMs, tz: this.tz });
    if (!w) return NOBODY;
    const skus = distinct(n.sku?.values);
    const categories = distinct(n.category?.values);
    const shops = distinct(n.shop?.values);
    const where = ['o.alive', `o.ts <= ${Math.floor(this.asOfMs / 1000)}`];
    if (shops) where.push(inList('o.shop', shops));
    const lineFilters: string[] = [];
    if (skus) lineFilters.push(inList('l.sku', skus));
    if (categories) lineFilters.push(inList('l.category', categories));
    if (lineFilters.length) where.push(`EXISTS (SELECT 1 FROM lines l WHERE l.order_id = o.order_id AND ${lineFilters.join(' AND ')})`);
    const edge = n.k === 'firstOrder' ? 'min(o.ts)' : 'max(o.ts)';
    const inside = w.lo === undefined ? `${edge} <= ${w.hi}` : `${edge} BETWEEN ${w.lo} AND ${w.hi}`;
    return `SELECT o.customer_id AS customer_id FROM orders o\nWHERE ${where.join('\n  AND ')}\nGROUP BY o.customer_id\nHAVING ${inside}`;
  }

  /**
   * 7.4: the k steps as a self-join of their counting orders (customer, ts),
   * each strictly later than the one before, the last within `within` of the
   * first; an `<absent>` is a NOT EXISTS over its orders in
   * (ts of the last step, ts of the first + within], the first step's period
   * having passed by asOf. The window limits the steps only.
   */
  private sequence(n: SequenceNode): string {
    const w = windowSec({ k: 'bought', from: n.from, to: n.to, last: n.last }, { asOfMs: this.asOfMs, tz: this.tz });
    if (!w) return NOBODY;
    const within = n.within.n * (n.within.unit === 'h' ? 3600 : n.within.unit === 'd' ? 86400 : 604800);
    const orders = (f: SequenceStep, range: string): string => {
      const where = ['o.alive', range];
      const shops = distinct(f.shop?.values);
      if (shops) where.push(inList('o.shop', shops));
      const lineFilters: string[] = [];
      const skus = distinct(f.sku?.values), categories = distinct(f.category?.values);
      if (skus) lineFilters.push(inList('l.sku', skus));
      if (categories) lineFilters.push(inList('l.category', categories));
      if (lineFilters.length) where.push(`EXISTS (SELECT 1 FROM lines l WHERE l.order_id = o.order_id AND ${lineFilters.join(' AND ')})`);
      return `SELECT DISTINCT o.customer_id, o.ts FROM orders o WHERE ${where.join(' AND ')}`;
    };
    const inWindow = w.lo === undefined ? `o.ts <= ${w.hi}` : `o.ts BETWEEN ${w.lo} AND ${w.hi}`;
    const k = n.steps.length;
    const joins = n.steps.map((f, i) =>
      i === 0 ? `(${orders(f, inWindow)}) s1` : `JOIN (${orders(f, inWindow)}) s${i + 1} ON s${i + 1}.customer_id = s1.customer_id AND s${i + 1}.ts > s${i}.ts`);
    const where = [`s${k}.ts - s1.ts <= ${within}`];
    if (n.absent) {
      where.push(`(s1.ts + ${within}) * 1000 <= ${this.asOfMs}`);
      where.push(`NOT EXISTS (SELECT 1 FROM (${orders(n.absent, `o.ts * 1000 <= ${this.asOfMs}`)}) b WHERE b.customer_id = s1.customer_id AND b.ts > s${k}.ts AND b.ts <= s1.ts + ${within})`);
    }
    return `SELECT DISTINCT s1.customer_id AS customer_id FROM ${joins.join('\n')}\nWHERE ${where.join('\n  AND ')}`;
  }

  /**
   * 7.5: v per customer over the counting orders' matching lines in the
   * window (max ts, distinct orders, sum of cents, sum of quantities); with
   * cuts, 1 + the number of cuts <= v; with a scale k, L = rank() OVER
   * (ORDER BY v) - 1 (the number of strictly smaller values, ties sharing
   * a rank), n = count(*) OVER (), and least(k, 1 + (k * L) // n) in
   * integers.
   */
  private score(n: ScoreNode): string {
    const w = windowSec({ k: 'bought', from: n.from, to: n.to, last: n.last }, { asOfMs: this.asOfMs, tz: this.tz });
    if (!w) return NOBODY;
    const where = ['o.alive', w.lo === undefined ? `o.ts <= ${w.hi}` : `o.ts BETWEEN ${w.lo} AND ${w.hi}`];
    const shops = distinct(n.shop?.values), skus = distinct(n.sku?.values), categories = distinct(n.category?.values);
    if (shops) where.push(inList('o.shop', shops));
    if (skus) where.push(inList('l.sku', skus));
    if (categories) where.push(inList('l.category', categories));
    const agg = { recency: 'max(o.ts)', frequency: 'count(DISTINCT o.order_id)', monetary: 'sum(l.amount_cents)', quantity: 'sum(l.quantity)' }[n.by];
    const values = `SELECT o.customer_id, ${agg} AS v FROM orders o JOIN lines l ON l.order_id = o.order_id\nWHERE ${where.join(' AND ')}\nGROUP BY o.customer_id`;
    const top = n.cuts ? n.cuts.length + 1 : (n.scale ?? 5);
    const max = n.max ?? top;
    if (n.cuts) {
      const cutValues = n.cuts.map((x) => (n.by === 'monetary' ? cents(x) : Number(x)));
      return `SELECT customer_id FROM (${values}) v\nWHERE 1 + ${cutValues.map((x) => `(v >= ${x})::INTEGER`).join(' + ')} BETWEEN ${n.min} AND ${max}`;
    }
    const k = n.scale ?? 5;
    return `SELECT customer_id FROM (\n  SELECT customer_id, rank() OVER (ORDER BY v) - 1 AS l, count(*) OVER () AS n FROM (${values}) v\n) r\n` +
      `WHERE least(${k}, 1 + (${k} * l) // n) BETWEEN ${n.min} AND ${max}`;
  }

  private attr(a: AttrNode): string {
    const named = `SELECT customer_id FROM attrs WHERE name = ${q(a.name)}`;
    const tests: string[] = [];
    const eqTest = (values: readonly string[]): string => {
      const nums = values.map(parseNumeric).filter((n): n is number => n !== undefined);
      const alts = [inList('str_val', values)];
      if (nums.length) alts.push(nums.length === 1 ? `num_val = ${dbl(nums[0]!)}` : `num_val IN (${nums.map(dbl).join(', ')})`);
      return alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`;
    };
    if (a.eq !== undefined) tests.push(eqTest([a.eq]));
    if (a.values !== undefined) tests.push(eqTest(distinct(a.values)!));
    for (const [op, sym] of [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']] as const) {
      const v = a[op];
      if (v === undefined) continue;
      const n = parseNumeric(v);
      if (n === undefined) throw new TranslateError(`${op}="${v}" is not a number`);
      tests.push(`num_val ${sym} ${dbl(n)}`);
    }
    if (a.exists === false) {
      // "has no such attribute" and any comparison (which needs the attribute) cannot both hold
      return tests.length ? NOBODY : setOp('EXCEPT', [UNIVERSE, named]);
    }
    return tests.length ? `${named} AND ${tests.join(' AND ')}` : named;
  }
}

/**
 * `<sample>` (contract 7.6): DuckDB's md5() is the hex digest of the UTF-8 text;
 * its first 16 hex digits are the first 8 bytes, big-endian, read as a UBIGINT.
 */
export function sampleBucketSql(seed: string, customerIdSql: string): string {
  return `(('0x' || substr(md5(${q(seed)} || ':' || ${customerIdSql}), 1, 16))::UBIGINT % 10000)`;
}

function sampleSql(c: SampleNode): string {
  const hundredths = (t: string): number => {
    const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(t);
    if (!m) throw new TranslateError(`"${t}" is not a percentage`);
    return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  };
  return `${UNIVERSE} WHERE ${sampleBucketSql(c.seed, 'customer_id')} >= ${hundredths(c.from)} AND ${sampleBucketSql(c.seed, 'customer_id')} < ${hundredths(c.to)}`;
}

function setOp(op: 'INTERSECT' | 'UNION' | 'EXCEPT', parts: readonly string[]): string {
  // left to right, fully parenthesised: ((a OP b) OP c) ...
  let acc = `(\n${indent(parts[0]!)}\n)`;
  for (let i = 1; i < parts.length; i++) {
    const next = `${acc}\n${op}\n(\n${indent(parts[i]!)}\n)`;
    acc = i < parts.length - 1 ? `(\n${indent(next)}\n)` : next;
  }
  return acc;
}

/** Translates one segment with the contract's precedence for asOf and the zone. */
export function translateSegment(seg: ParsedSegment | SegmentTree, options: TranslateOptions): Translation {
  const asOfMs = ('asOfMs' in seg ? seg.asOfMs : undefined) ?? options.asOfMs;
  const tz = ('tz' in seg ? seg.tz : undefined) ?? options.tz ?? 'UTC';
  checkZone(tz);
  const t = new Translator(asOfMs, tz, options.resolveRef);
  const members = t.all(seg.children);
  return {
    membersSql: `SELECT DISTINCT customer_id FROM (\n${indent(members)}\n) AS seg`,
    countSql: `SELECT count(DISTINCT customer_id) FROM (\n${indent(members)}\n) AS seg`,
    asOfMs,
    tz,
  };
}

export function translateXml(xml: string, options: TranslateOptions): Translation {
  return translateSegment(parseQuery(xml), options);
}
