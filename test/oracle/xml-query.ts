/**
 * An independent translation of segment XML (contract: ../shared/spec/segment-query.md,
 * section 3) into DuckDB SQL over the tables of test/oracle/duckdb.ts:
 *
 *   orders(order_id, customer_id, ts BIGINT epoch seconds, shop, alive)
 *   lines(order_id, sku, category, amount_cents)
 *   attrs(customer_id, name, str_val, num_val)   tags(customer_id, tag)   customers(customer_id)
 *
 * Nothing here imports the engine: the XML is read with fast-xml-parser into a
 * small AST of our own, and windows, thresholds, attribute comparisons and the
 * `<not>` universe are implemented from the contract's text. The point is a
 * cross-check of the engine, so agreement must not come from shared code.
 *
 * Every condition becomes a SELECT of distinct `customer_id`s; combinators are
 * set operations (INTERSECT / UNION / EXCEPT, all distinct in DuckDB), with
 * `<and>`'s `<not>` children turned into EXCEPT as a person writing the SQL
 * by hand would (the result is the same as complementing against the universe).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

// ------------------------------------------------------------------ our AST

export type QBound = { kind: 'date'; date: string } | { kind: 'instant'; ms: number };

export interface QBought {
  kind: 'bought';
  skus?: string[];
  categories?: string[];
  shops?: string[];
  from?: QBound;
  to?: QBound;
  last?: { n: number; unit: 'h' | 'd' | 'w' };
  minCount: number;
  maxCount?: number;
  minCents?: number;
  maxCents?: number;
}

export interface QAttr {
  kind: 'attr';
  name: string;
  eq?: string[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  exists?: boolean;
}

export type QCond =
  | { kind: 'and' | 'or'; children: QCond[] }
  | { kind: 'not'; child: QCond }
  | QBought
  | { kind: 'tag'; name: string }
  | QAttr
  | { kind: 'ref'; segment: string };

export interface QSegment {
  name?: string;
  asOfMs?: number;
  tz?: string;
  children: QCond[];
}

export class TranslateError extends Error {}

// ------------------------------------------------------------------ XML reading

interface El {
  name: string;
  attrs: Map<string, string>;
  children: El[];
  /** text and CDATA content, entities decoded */
  text: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: false, // decoded below, exactly the five predefined entities and character references
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
});

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new TranslateError(`a bare "&" in ${JSON.stringify(s)}`);
    switch (ref) {
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
    }
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!(code >= 1 && code <= 0x10ffff)) throw new TranslateError(`bad character reference ${m}`);
      return String.fromCodePoint(code);
    }
    throw new TranslateError(`unknown entity ${m}`);
  });
}

type Raw = Record<string, unknown>;

function toEl(node: Raw): El | undefined {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name === '#comment' || name === '#cdata') return undefined;
  const attrs = new Map<string, string>();
  const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (typeof v !== 'string') throw new TranslateError(`attribute ${k} of <${name}> has no value`);
    attrs.set(k, decodeEntities(v));
  }
  const children: El[] = [];
  let text = '';
  for (const child of node[name] as Raw[]) {
    if ('#text' in child) text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) text += (child['#cdata'] as Raw[]).map((t) => String(t['#text'] ?? '')).join('');
    else if ('#comment' in child) continue;
    else {
      const el = toEl(child);
      if (el) children.push(el);
    }
  }
  return { name, attrs, children, text };
}

export function readXml(xml: string): El {
  if (/<!DOCTYPE|<!ENTITY/.test(xml)) throw new TranslateError('DOCTYPE and entity declarations are refused');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new TranslateError(`malformed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const top = (parser.parse(xml) as Raw[]).map(toEl).filter((e): e is El => e !== undefined);
  if (top.length !== 1) throw new TranslateError(`expected one root element, found ${top.length}`);
  return top[0]!;
}

// ------------------------------------------------------------------ strict value formats

function allowOnly(el: El, names: readonly string[]): void {
  for (const k of el.attrs.keys()) {
    if (!names.includes(k)) throw new TranslateError(`<${el.name}> has an unknown attribute ${k}`);
  }
}

function noText(el: El): void {
  if (!/^[ \t\r\n]*$/.test(el.text)) throw new TranslateError(`<${el.name}> may not contain text`);
}

function need(el: El, attr: string): string {
  const v = el.attrs.get(attr);
  if (v === undefined) throw new TranslateError(`<${el.name}> needs ${attr}="..."`);
  return v;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthDays = (y: number, m: number): number => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

function validDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= monthDays(y, m);
}

/** `YYYY-MM-DD`, a real calendar date. */
export function isDateOnly(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m !== null && validDate(+m[1]!, +m[2]!, +m[3]!);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (no Date object involved). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * An ISO-8601 date-time; with `Z` or an offset (`+08:00`, `+0800`) its epoch
 * milliseconds. Without an offset: the wall-clock reading as if it were UTC,
 * flagged `local`. Fractions below a millisecond are cut off.
 */
export function parseIsoDateTime(s: string): { ms: number; local: boolean } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!];
  const sec = m[6] === undefined ? 0 : +m[6];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return undefined;
  const frac = m[7] === undefined ? 0 : +(m[7] + '00').slice(0, 3);
  let wall = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + frac;
  const off = m[8];
  if (off === undefined) return { ms: wall, local: true };
  if (off !== 'Z') {
    const digits = off.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2), om = +digits.slice(2);
    if (oh > 23 || om > 59) return undefined;
    wall -= (off[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return { ms: wall, local: false };
}

/** A date-time with offset (the only form asOf and instant bounds take). */
export function parseInstant(s: string): number | undefined {
  const r = parseIsoDateTime(s);
  return r && !r.local ? r.ms : undefined;
}

function count(el: El, attr: string): number | undefined {
  const v = el.attrs.get(attr);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v) || Number(v) > 2 ** 31 - 1) throw new TranslateError(`${attr}="${v}" is not a whole number`);
  return Number(v);
}

/** Yuan with at most two decimals -> integer cents, digit by digit (no float arithmetic). */
export function yuanToCents(v: string): number | undefined {
  const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(v);
  if (!m) return undefined;
  const cents = Number(m[1]!) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(cents) && Number(m[1]!) <= Number.MAX_SAFE_INTEGER / 100 ? cents : undefined;
}

function amount(el: El, attr: string): number | undefined {
  const v = el.attrs.get(attr);
  if (v === undefined) return undefined;
  const c = yuanToCents(v);
  if (c === undefined) throw new TranslateError(`${attr}="${v}" is not an amount`);
  return c;
}

/** A finite decimal number as written in a query (`31`, `-2.5`, `1e3`). */
export function numericLiteral(v: string): number | undefined {
  if (!/^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n + 0 : undefined;
}

function bound(el: El, attr: string): QBound | undefined {
  const v = el.attrs.get(attr);
  if (v === undefined) return undefined;
  if (isDateOnly(v)) return { kind: 'date', date: v };
  const ms = parseInstant(v);
  if (ms === undefined) throw new TranslateError(`${attr}="${v}" is not a date or a date-time with offset`);
  return { kind: 'instant', ms };
}

// ------------------------------------------------------------------ XML -> AST

export function parseQuery(xml: string): QSegment {
  const root = readXml(xml);
  if (root.name !== 'segment') throw new TranslateError(`the root must be <segment>, not <${root.name}>`);
  allowOnly(root, ['name', 'asOf', 'tz']);
  const asOf = root.attrs.get('asOf');
  let asOfMs: number | undefined;
  if (asOf !== undefined) {
    asOfMs = parseInstant(asOf);
    if (asOfMs === undefined) throw new TranslateError(`asOf="${asOf}" is not a date-time with offset`);
  }
  const tz = root.attrs.get('tz');
  if (tz !== undefined) checkZone(tz);
  const name = root.attrs.get('name');
  return { ...(name !== undefined ? { name } : {}), ...(asOfMs !== undefined ? { asOfMs } : {}), ...(tz !== undefined ? { tz } : {}), children: conditions(root, 1) };
}

function conditions(el: El, min: number, max = Infinity): QCond[] {
  noText(el);
  if (el.children.length < min || el.children.length > max) {
    throw new TranslateError(`<${el.name}> needs ${max === min ? `exactly ${min}` : `at least ${min}`} condition(s), has ${el.children.length}`);
  }
  return el.children.map(condition);
}

function leaf(el: El): string {
  if (el.attrs.size > 0 || el.children.length > 0) throw new TranslateError(`<${el.name}> holds only text`);
  return el.text;
}

function condition(el: El): QCond {
  switch (el.name) {
    case 'and':
    case 'or':
      allowOnly(el, []);
      return { kind: el.name, children: conditions(el, 1) };
    case 'not':
      allowOnly(el, []);
      return { kind: 'not', child: conditions(el, 1, 1)[0]! };
    case 'tag':
      allowOnly(el, ['name']);
      noText(el);
      if (el.children.length) throw new TranslateError('<tag> takes no children');
      return { kind: 'tag', name: need(el, 'name') };
    case 'ref':
      allowOnly(el, ['segment']);
      noText(el);
      if (el.children.length) throw new TranslateError('<ref> takes no children');
      return { kind: 'ref', segment: need(el, 'segment') };
    case 'bought':
      return bought(el);
    case 'attr':
      return attr(el);
    default:
      throw new TranslateError(`unknown element <${el.name}>`);
  }
}

function bought(el: El): QBought {
  const filters = ['sku', 'category', 'shop'] as const;
  allowOnly(el, [...filters, 'from', 'to', 'last', 'minCount', 'maxCount', 'minAmount', 'maxAmount']);
  noText(el);
  const lists: Record<(typeof filters)[number], string[] | undefined> = { sku: undefined, category: undefined, shop: undefined };
  for (const child of el.children) {
    if (!(filters as readonly string[]).includes(child.name)) throw new TranslateError(`<${child.name}> is not allowed in <bought>`);
    const f = child.name as (typeof filters)[number];
    (lists[f] ??= []).push(leaf(child));
  }
  for (const f of filters) {
    const a = el.attrs.get(f);
    if (a !== undefined && lists[f] !== undefined) throw new TranslateError(`<bought> has both ${f}="..." and <${f}> children`);
    if (a !== undefined) lists[f] = [a];
  }
  const out: QBought = { kind: 'bought', minCount: count(el, 'minCount') ?? 1 };
  if (out.minCount < 1) throw new TranslateError('minCount must be at least 1');
  if (lists.sku) out.skus = [...new Set(lists.sku)];
  if (lists.category) out.categories = [...new Set(lists.category)];
  if (lists.shop) out.shops = [...new Set(lists.shop)];
  const maxCount = count(el, 'maxCount');
  if (maxCount !== undefined) {
    if (maxCount < out.minCount) throw new TranslateError('maxCount is less than minCount');
    out.maxCount = maxCount;
  }
  const minCents = amount(el, 'minAmount');
  const maxCents = amount(el, 'maxAmount');
  if (minCents !== undefined) out.minCents = minCents;
  if (maxCents !== undefined) out.maxCents = maxCents;
  if (minCents !== undefined && maxCents !== undefined && minCents > maxCents) throw new TranslateError('minAmount is more than maxAmount');
  const last = el.attrs.get('last');
  if (last !== undefined) {
    if (el.attrs.has('from') || el.attrs.has('to')) throw new TranslateError('last cannot be combined with from/to');
    const m = /^([1-9][0-9]*)([hdw])$/.exec(last);
    if (!m) throw new TranslateError(`last="${last}" is not a duration`);
    out.last = { n: Number(m[1]), unit: m[2] as 'h' | 'd' | 'w' };
  }
  const from = bound(el, 'from');
  const to = bound(el, 'to');
  if (from) out.from = from;
  if (to) out.to = to;
  return out;
}

function attr(el: El): QAttr {
  allowOnly(el, ['name', 'eq', 'gt', 'gte', 'lt', 'lte', 'exists']);
  noText(el);
  const out: QAttr = { kind: 'attr', name: need(el, 'name') };
  const values: string[] = [];
  for (const child of el.children) {
    if (child.name !== 'value') throw new TranslateError(`<${child.name}> is not allowed in <attr>`);
    values.push(leaf(child));
  }
  const eq = el.attrs.get('eq');
  if (eq !== undefined && values.length) throw new TranslateError('<attr> has both eq="..." and <value> children');
  if (eq !== undefined) out.eq = [eq];
  else if (values.length) out.eq = [...new Set(values)];
  for (const k of ['gt', 'gte', 'lt', 'lte'] as const) {
    const v = el.attrs.get(k);
    if (v === undefined) continue;
    const n = numericLiteral(v);
    if (n === undefined) throw new TranslateError(`${k}="${v}" is not a number`);
    out[k] = n;
  }
  const exists = el.attrs.get('exists');
  if (exists !== undefined) {
    if (exists !== 'true' && exists !== 'false') throw new TranslateError(`exists="${exists}" must be true or false`);
    out.exists = exists === 'true';
  }
  if (out.eq === undefined && out.exists === undefined && ['gt', 'gte', 'lt', 'lte'].every((k) => out[k as 'gt'] === undefined)) {
    throw new TranslateError(`<attr name="${out.name}"> has no test`);
  }
  return out;
}

// ------------------------------------------------------------------ time zones and windows

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', era: 'short',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsFormatters.set(tz, f);
  }
  return f;
}

export function checkZone(tz: string): void {
  try {
    formatter(tz);
  } catch {
    throw new TranslateError(`unknown time zone ${tz}`);
  }
}

/** The wall clock in `tz` at the instant `ms`, as milliseconds "as if UTC" (whole seconds). */
export function wallClockMs(ms: number, tz: string): number {
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, bc = false;
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      case 'era': bc = p.value === 'BC' || p.value === 'B'; break;
    }
  }
  if (bc) y = 1 - y;
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + s * 1000;
}

/** Offset of `tz` from UTC at instant `ms`, in milliseconds. */
export function offsetMs(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClockMs(whole, tz) - whole;
}

const DAY_MS = 86_400_000;

/**
 * Epoch seconds of the first second of local date `date` in `tz`: the
 * smallest whole second whose wall-clock date is `date` or later (found by
 * bisection, so a day that starts at 01:00 because of a DST jump at midnight
 * is handled too).
 */
export function localDayStartSec(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wallDay = daysFromCivil(y, m, d) * DAY_MS;
  // offsets lie within +-26 h, so the answer is in this bracket
  let lo = Math.floor((wallDay - 27 * 3_600_000) / 1000);
  let hi = Math.floor((wallDay + 27 * 3_600_000) / 1000);
  const reached = (sec: number): boolean => wallClockMs(sec * 1000, tz) >= wallDay;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (d < monthDays(y, m)) return `${y.toString().padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d + 1).padStart(2, '0')}`;
  if (m < 12) return `${y.toString().padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
  return `${(y + 1).toString().padStart(4, '0')}-01-01`;
}

/**
 * A local date-time without offset read in `tz` (for ingest with a zone):
 * a time that occurs twice is the earlier instant, a time in a DST gap is
 * moved forward by the gap (Temporal's "compatible" disambiguation).
 */
export function localToUtcMs(wall: number, tz: string): number {
  const before = offsetMs(wall - 36 * 3_600_000, tz);
  const after = offsetMs(wall + 36 * 3_600_000, tz);
  let best: number | undefined;
  for (const off of before === after ? [before] : [before, after]) {
    const t = wall - off;
    if (t + offsetMs(t, tz) === wall && (best === undefined || t < best)) best = t;
  }
  return best ?? wall - before;
}

export interface WindowSec {
  /** inclusive epoch seconds; undefined: unbounded below */
  lo?: number;
  /** inclusive epoch seconds */
  hi: number;
}

/**
 * The window of a `<bought>` as inclusive epoch-second bounds on the stored
 * (whole-second) order ts, capped at asOf. `undefined` when it is empty.
 */
export function windowSec(b: QBought, asOfMs: number, tz: string): WindowSec | undefined {
  const asOfSec = Math.floor(asOfMs / 1000);
  let lo: number | undefined;
  let hi = asOfSec;
  if (b.last) {
    const unitMs = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[b.last.unit];
    // asOf - N*unit < ts  <=>  ts*1000 > asOfMs - N*unit
    lo = Math.floor((asOfMs - b.last.n * unitMs) / 1000) + 1;
  }
  if (b.from) lo = b.from.kind === 'date' ? localDayStartSec(b.from.date, tz) : Math.ceil(b.from.ms / 1000);
  if (b.to) hi = Math.min(hi, b.to.kind === 'date' ? localDayStartSec(nextDate(b.to.date), tz) - 1 : Math.floor(b.to.ms / 1000));
  if (lo !== undefined && lo > hi) return undefined;
  return lo === undefined ? { hi } : { lo, hi };
}

// ------------------------------------------------------------------ AST -> SQL

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

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const dbl = (n: number): string => `CAST('${String(n)}' AS DOUBLE)`;
const inList = (col: string, values: readonly string[]): string =>
  values.length === 1 ? `${col} = ${q(values[0]!)}` : `${col} IN (${values.map(q).join(', ')})`;
const indent = (s: string): string => s.replace(/^/gm, '  ');

const UNIVERSE = 'SELECT customer_id FROM customers';
const NOBODY = 'SELECT customer_id FROM customers WHERE false';

class Translator {
  private readonly refStack: string[] = [];

  constructor(
    private readonly asOfMs: number,
    private readonly tz: string,
    private readonly resolveRef: ((name: string) => string | undefined) | undefined,
  ) {}

  cond(c: QCond): string {
    switch (c.kind) {
      case 'and': return this.all(c.children);
      case 'or': return c.children.length === 1 ? this.cond(c.children[0]!) : setOp('UNION', c.children.map((x) => this.cond(x)));
      case 'not': return setOp('EXCEPT', [UNIVERSE, this.cond(c.child)]);
      case 'bought': return this.bought(c);
      case 'tag': return `SELECT customer_id FROM tags WHERE tag = ${q(c.name)}`;
      case 'attr': return this.attr(c);
      case 'ref': return this.ref(c.segment);
    }
  }

  /** AND: positive conditions intersected, then `<not>` children subtracted. */
  all(children: readonly QCond[]): string {
    const pos = children.filter((c) => c.kind !== 'not').map((c) => this.cond(c));
    const neg = children.filter((c): c is { kind: 'not'; child: QCond } => c.kind === 'not').map((c) => this.cond(c.child));
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

  private bought(b: QBought): string {
    const w = windowSec(b, this.asOfMs, this.tz);
    if (!w) return NOBODY;
    const lineFilters: string[] = [];
    if (b.skus) lineFilters.push(inList('l.sku', b.skus));
    if (b.categories) lineFilters.push(inList('l.category', b.categories));
    const amounts = b.minCents !== undefined || b.maxCents !== undefined;
    const needLines = lineFilters.length > 0 || amounts;
    const where = ['o.alive', w.lo === undefined ? `o.ts <= ${w.hi}` : `o.ts BETWEEN ${w.lo} AND ${w.hi}`];
    if (b.shops) where.push(inList('o.shop', b.shops));
    where.push(...lineFilters);
    const from = needLines ? 'orders o JOIN lines l ON l.order_id = o.order_id' : 'orders o';
    const orders = needLines ? 'count(DISTINCT o.order_id)' : 'count(*)'; // order_id is unique per merchant
    const having: string[] = [];
    if (b.minCount > 1) having.push(`${orders} >= ${b.minCount}`);
    if (b.maxCount !== undefined) having.push(`${orders} <= ${b.maxCount}`);
    if (b.minCents !== undefined) having.push(`sum(l.amount_cents) >= ${b.minCents}`);
    if (b.maxCents !== undefined) having.push(`sum(l.amount_cents) <= ${b.maxCents}`);
    const head = `FROM ${from}\nWHERE ${where.join('\n  AND ')}`;
    if (having.length === 0) return `SELECT DISTINCT o.customer_id AS customer_id ${head}`;
    return `SELECT o.customer_id AS customer_id ${head}\nGROUP BY o.customer_id\nHAVING ${having.join(' AND ')}`;
  }

  private attr(a: QAttr): string {
    const named = `SELECT customer_id FROM attrs WHERE name = ${q(a.name)}`;
    const tests: string[] = [];
    if (a.eq) {
      const nums = a.eq.map(numericLiteral).filter((n): n is number => n !== undefined);
      const alts = [inList('str_val', a.eq)];
      if (nums.length) alts.push(nums.length === 1 ? `num_val = ${dbl(nums[0]!)}` : `num_val IN (${nums.map(dbl).join(', ')})`);
      tests.push(alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`);
    }
    if (a.gt !== undefined) tests.push(`num_val > ${dbl(a.gt)}`);
    if (a.gte !== undefined) tests.push(`num_val >= ${dbl(a.gte)}`);
    if (a.lt !== undefined) tests.push(`num_val < ${dbl(a.lt)}`);
    if (a.lte !== undefined) tests.push(`num_val <= ${dbl(a.lte)}`);
    if (a.exists === false) {
      // "has no such attribute" and any comparison (which needs the attribute) cannot both hold
      return tests.length ? NOBODY : setOp('EXCEPT', [UNIVERSE, named]);
    }
    return tests.length ? `${named} AND ${tests.join(' AND ')}` : named;
  }
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
export function translateSegment(seg: QSegment, options: TranslateOptions): Translation {
  const asOfMs = seg.asOfMs ?? options.asOfMs;
  const tz = seg.tz ?? options.tz ?? 'UTC';
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

/** The names a segment refers to with `<ref>` (direct references only). */
export function refsOf(seg: QSegment): string[] {
  const out = new Set<string>();
  const walk = (c: QCond): void => {
    if (c.kind === 'ref') out.add(c.segment);
    else if (c.kind === 'and' || c.kind === 'or') c.children.forEach(walk);
    else if (c.kind === 'not') walk(c.child);
  };
  seg.children.forEach(walk);
  return [...out];
}
