/**
 * Reads segment XML (contract: ../shared/spec/segment-query.md, section 3)
 * into the oracle's query tree (query-tree.ts), strictly: what the contract
 * does not define is refused with a TranslateError. Nothing here imports the
 * engine: the XML is read with fast-xml-parser and every value format is
 * checked from the contract's text, so that the foreign benchmark can take
 * any directory of XML files to the oracle's SQL (sql.ts).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { amountToCents, parseNumeric } from './model.js';
import type { Bound, BoughtNode, AttrNode, Filter, ParsedSegment, QNode, ScoreNode, SequenceNode, SequenceStep } from './query-tree.js';
import { isDateOnly, isKnownZone, parseInstant } from './time.js';

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

export function checkZone(tz: string): void {
  if (!isKnownZone(tz)) throw new TranslateError(`unknown time zone ${tz}`);
}

function count(el: El, attr: string): number | undefined {
  const v = el.attrs.get(attr);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v) || Number(v) > 2 ** 31 - 1) throw new TranslateError(`${attr}="${v}" is not a whole number`);
  return Number(v);
}

/** Yuan with at most two decimals -> integer cents (the model's money rule); undefined if it is not an amount. */
export function yuanToCents(v: string): number | undefined {
  try {
    return amountToCents(v);
  } catch {
    return undefined;
  }
}

function amount(el: El, attr: string): string | undefined {
  const v = el.attrs.get(attr);
  if (v === undefined) return undefined;
  if (yuanToCents(v) === undefined) throw new TranslateError(`${attr}="${v}" is not an amount`);
  return v;
}

const unitHours = (u: 'h' | 'd' | 'w'): number => (u === 'h' ? 1 : u === 'd' ? 24 : 168);

function bound(el: El, attr: string): Bound | undefined {
  const v = el.attrs.get(attr);
  if (v === undefined) return undefined;
  const rel = /^-(0|[1-9][0-9]*)([hdw])$/.exec(v);
  if (rel) return { kind: 'relative', n: Number(rel[1]), unit: rel[2] as 'h' | 'd' | 'w' };
  if (isDateOnly(v)) return { kind: 'date', date: v };
  if (parseInstant(v) === undefined) throw new TranslateError(`${attr}="${v}" is not a date or a date-time with offset`);
  return { kind: 'datetime', text: v };
}

// ------------------------------------------------------------------ XML -> query tree

export function parseQuery(xml: string): ParsedSegment {
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

function conditions(el: El, min: number, max = Infinity): QNode[] {
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

function condition(el: El): QNode {
  switch (el.name) {
    case 'and':
    case 'or':
      allowOnly(el, []);
      return { k: el.name, children: conditions(el, 1) };
    case 'not':
      allowOnly(el, []);
      return { k: 'not', child: conditions(el, 1, 1)[0]! };
    case 'tag':
      allowOnly(el, ['name']);
      noText(el);
      if (el.children.length) throw new TranslateError('<tag> takes no children');
      return { k: 'tag', name: need(el, 'name') };
    case 'ref':
      allowOnly(el, ['segment']);
      noText(el);
      if (el.children.length) throw new TranslateError('<ref> takes no children');
      return { k: 'ref', name: need(el, 'segment') };
    case 'bought':
      return bought(el);
    case 'firstOrder':
    case 'lastOrder': {
      // 7.3: <bought>'s filters and window, no thresholds
      const threshold = ['minCount', 'maxCount', 'minAmount', 'maxAmount', 'minQuantity', 'maxQuantity'].find((t) => el.attrs.has(t));
      if (threshold !== undefined) throw new TranslateError(`<${el.name}> takes no thresholds (${threshold})`);
      const b = bought(el);
      return { k: el.name, ...(b.sku ? { sku: b.sku } : {}), ...(b.category ? { category: b.category } : {}), ...(b.shop ? { shop: b.shop } : {}),
        ...(b.from ? { from: b.from } : {}), ...(b.to ? { to: b.to } : {}), ...(b.last ? { last: b.last } : {}) };
    }
    case 'attr':
      return attr(el);
    case 'sequence':
      return sequence(el);
    case 'score':
      return score(el);
    case 'sample': {
      allowOnly(el, ['seed', 'from', 'to']);
      noText(el);
      if (el.children.length) throw new TranslateError('<sample> takes no children');
      const seed = need(el, 'seed'), from = need(el, 'from'), to = need(el, 'to');
      if (seed === '') throw new TranslateError('<sample> seed is empty');
      const pct = (name: string, v: string): number => {
        const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(v);
        const h = m ? BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0')) : -1n;
        if (h < 0n || h > 10000n) throw new TranslateError(`${name}="${v}" is not a percentage 0..100 with at most 2 decimals`);
        return Number(h);
      };
      if (pct('from', from) >= pct('to', to)) throw new TranslateError('<sample> from is not below to');
      return { k: 'sample', seed, from, to };
    }
    default:
      throw new TranslateError(`unknown element <${el.name}>`);
  }
}

/** 7.5 `<score>`: by, the filters and window of <bought>, scale (2..100) or cuts, min, max (1..top, min <= max). */
function score(el: El): ScoreNode {
  const own = ['by', 'scale', 'cuts', 'min', 'max'];
  const threshold = ['minCount', 'maxCount', 'minAmount', 'maxAmount', 'minQuantity', 'maxQuantity'].find((t) => el.attrs.has(t));
  if (threshold !== undefined) throw new TranslateError(`<score> takes no thresholds (${threshold})`);
  const b = bought({ ...el, attrs: new Map([...el.attrs].filter(([k]) => !own.includes(k))) });
  const by = need(el, 'by');
  if (by !== 'recency' && by !== 'frequency' && by !== 'monetary' && by !== 'quantity') throw new TranslateError(`<score> by="${by}" is not a score`);
  const scaleText = el.attrs.get('scale'), cutsText = el.attrs.get('cuts');
  if (scaleText !== undefined && cutsText !== undefined) throw new TranslateError('<score> takes scale or cuts, not both');
  let top: number;
  let scale: number | undefined;
  let cuts: string[] | undefined;
  if (cutsText !== undefined) {
    if (by === 'recency') throw new TranslateError('<score by="recency"> takes no cuts');
    cuts = cutsText.split(',');
    const values = cuts.map((x) => {
      if (by === 'monetary') {
        const c = /^[0-9]+(\.[0-9]{1,2})?$/.test(x) ? yuanToCents(x) : undefined;
        if (c === undefined) throw new TranslateError(`cut "${x}" is not an amount`);
        return BigInt(c);
      }
      if (!/^[0-9]+$/.test(x)) throw new TranslateError(`cut "${x}" is not a whole number`);
      return BigInt(x);
    });
    for (let i = 1; i < values.length; i++) if (values[i]! <= values[i - 1]!) throw new TranslateError('cuts are not strictly increasing');
    top = cuts.length + 1;
  } else {
    if (scaleText !== undefined && !/^[0-9]+$/.test(scaleText)) throw new TranslateError(`scale="${scaleText}" is not a whole number`);
    scale = scaleText === undefined ? undefined : Number(scaleText);
    if (scale !== undefined && (scale < 2 || scale > 100)) throw new TranslateError(`scale="${scaleText}" is not 2..100`);
    top = scale ?? 5;
  }
  const bound = (name: string, text: string): number => {
    if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > top) throw new TranslateError(`${name}="${text}" is not a score 1..${top}`);
    return Number(text);
  };
  const min = bound('min', need(el, 'min'));
  const maxText = el.attrs.get('max');
  const max = maxText === undefined ? undefined : bound('max', maxText);
  if (max !== undefined && min > max) throw new TranslateError('<score> min is above max');
  const { k: _k, minCount: _a, maxCount: _b, minAmount: _c, maxAmount: _d, minQuantity: _e, maxQuantity: _f, ...filtersAndWindow } = b;
  return { k: 'score', by, ...filtersAndWindow, ...(scale !== undefined ? { scale } : {}), ...(cuts !== undefined ? { cuts } : {}), min, ...(max !== undefined ? { max } : {}) };
}

function bought(el: El): BoughtNode {
  const filters = ['sku', 'category', 'shop'] as const;
  allowOnly(el, [...filters, 'from', 'to', 'last', 'minCount', 'maxCount', 'minAmount', 'maxAmount', 'minQuantity', 'maxQuantity']);
  noText(el);
  const lists: Record<(typeof filters)[number], Filter | undefined> = { sku: undefined, category: undefined, shop: undefined };
  for (const child of el.children) {
    if (!(filters as readonly string[]).includes(child.name)) throw new TranslateError(`<${child.name}> is not allowed in <bought>`);
    const f = child.name as (typeof filters)[number];
    (lists[f] ??= { values: [], form: 'children' }).values.push(leaf(child));
  }
  for (const f of filters) {
    const a = el.attrs.get(f);
    if (a !== undefined && lists[f] !== undefined) throw new TranslateError(`<bought> has both ${f}="..." and <${f}> children`);
    if (a !== undefined) lists[f] = { values: [a], form: 'attr' };
  }
  const out: BoughtNode = { k: 'bought' };
  if (lists.sku) out.sku = lists.sku;
  if (lists.category) out.category = lists.category;
  if (lists.shop) out.shop = lists.shop;
  const minCount = count(el, 'minCount');
  if (minCount !== undefined) {
    if (minCount < 1) throw new TranslateError('minCount must be at least 1');
    out.minCount = minCount;
  }
  const maxCount = count(el, 'maxCount');
  if (maxCount !== undefined) {
    if (maxCount < (minCount ?? 1)) throw new TranslateError('maxCount is less than minCount');
    out.maxCount = maxCount;
  }
  const minAmount = amount(el, 'minAmount');
  const maxAmount = amount(el, 'maxAmount');
  if (minAmount !== undefined) out.minAmount = minAmount;
  if (maxAmount !== undefined) out.maxAmount = maxAmount;
  if (minAmount !== undefined && maxAmount !== undefined && yuanToCents(minAmount)! > yuanToCents(maxAmount)!) {
    throw new TranslateError('minAmount is more than maxAmount');
  }
  const minQuantity = count(el, 'minQuantity');
  const maxQuantity = count(el, 'maxQuantity');
  if (minQuantity !== undefined && minQuantity < 1) throw new TranslateError('minQuantity must be at least 1');
  if (maxQuantity !== undefined && maxQuantity < 1) throw new TranslateError('maxQuantity must be at least 1');
  if (minQuantity !== undefined && maxQuantity !== undefined && minQuantity > maxQuantity) throw new TranslateError('minQuantity is more than maxQuantity');
  if (minQuantity !== undefined) out.minQuantity = minQuantity;
  if (maxQuantity !== undefined) out.maxQuantity = maxQuantity;
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
  // contract 7.1: two relative bounds in the wrong order are an error from the text alone
  if (from?.kind === 'relative' && to?.kind === 'relative' && from.n * unitHours(from.unit) < to.n * unitHours(to.unit)) {
    throw new TranslateError('from is after to');
  }
  return out;
}

/**
 * 7.4: `<sequence within="N{h|d|w}">` (required, N >= 1) with an optional
 * window, then 1..16 `<step>`s and at most one `<absent>`, which comes last;
 * two or more children in all. A step or absent takes only the filters.
 */
function sequence(el: El): SequenceNode {
  allowOnly(el, ['within', 'from', 'to', 'last']);
  noText(el);
  const kids = el.children;
  if (kids.length < 2) throw new TranslateError(`<sequence> needs at least 2 children, has ${kids.length}`);
  const steps: SequenceStep[] = [];
  let absent: SequenceStep | undefined;
  kids.forEach((child, i) => {
    if (child.name === 'step') {
      if (absent !== undefined) throw new TranslateError('<step> after <absent>');
      steps.push(stepFilters(child));
    } else if (child.name === 'absent') {
      if (i !== kids.length - 1) throw new TranslateError('<absent> is not the last child of <sequence>');
      absent = stepFilters(child);
    } else {
      throw new TranslateError(`<${child.name}> is not allowed in <sequence>`);
    }
  });
  if (steps.length < 1 || steps.length > 16) throw new TranslateError(`<sequence> takes 1 to 16 steps, has ${steps.length}`);
  const within = need(el, 'within');
  const m = /^([1-9][0-9]*)([hdw])$/.exec(within);
  if (!m) throw new TranslateError(`within="${within}" is not a duration`);
  // the window: <bought>'s reading of from/to/last, on an element with only those
  const w = bought({ name: 'sequence', attrs: new Map([...el.attrs].filter(([k]) => k !== 'within')), children: [], text: '' });
  return { k: 'sequence', within: { n: Number(m[1]), unit: m[2] as 'h' | 'd' | 'w' }, steps, ...(absent ? { absent } : {}),
    ...(w.from ? { from: w.from } : {}), ...(w.to ? { to: w.to } : {}), ...(w.last ? { last: w.last } : {}) };
}

function stepFilters(el: El): SequenceStep {
  allowOnly(el, ['sku', 'category', 'shop']);
  const b = bought(el);
  return { ...(b.sku ? { sku: b.sku } : {}), ...(b.category ? { category: b.category } : {}), ...(b.shop ? { shop: b.shop } : {}) };
}

function attr(el: El): AttrNode {
  allowOnly(el, ['name', 'eq', 'gt', 'gte', 'lt', 'lte', 'exists']);
  noText(el);
  const out: AttrNode = { k: 'attr', name: need(el, 'name') };
  const values: string[] = [];
  for (const child of el.children) {
    if (child.name !== 'value') throw new TranslateError(`<${child.name}> is not allowed in <attr>`);
    values.push(leaf(child));
  }
  const eq = el.attrs.get('eq');
  if (eq !== undefined && values.length) throw new TranslateError('<attr> has both eq="..." and <value> children');
  if (eq !== undefined) out.eq = eq;
  else if (values.length) out.values = values;
  for (const k of ['gt', 'gte', 'lt', 'lte'] as const) {
    const v = el.attrs.get(k);
    if (v === undefined) continue;
    if (parseNumeric(v) === undefined) throw new TranslateError(`${k}="${v}" is not a number`);
    out[k] = v;
  }
  const exists = el.attrs.get('exists');
  if (exists !== undefined) {
    if (exists !== 'true' && exists !== 'false') throw new TranslateError(`exists="${exists}" must be true or false`);
    out.exists = exists === 'true';
  }
  if (out.eq === undefined && out.values === undefined && out.exists === undefined && ['gt', 'gte', 'lt', 'lte'].every((k) => out[k as 'gt'] === undefined)) {
    throw new TranslateError(`<attr name="${out.name}"> has no test`);
  }
  return out;
}

/** The names a segment refers to with `<ref>` (direct references only). */
export function refsOf(seg: { children: QNode[] }): string[] {
  const out = new Set<string>();
  const walk = (c: QNode): void => {
    if (c.k === 'ref') out.add(c.name);
    else if (c.k === 'and' || c.k === 'or') c.children.forEach(walk);
    else if (c.k === 'not') walk(c.child);
  };
  seg.children.forEach(walk);
  return [...out];
}
