/**
 * Seeded mutators for the fuzz harness: the same seed gives the same cases on
 * every machine. Query text is mutated as a string (so splices keep whole
 * characters and can also plant lone surrogates); record files as bytes.
 */

/** A small, fast, seeded PRNG (mulberry32); `fork` gives an independent stream. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** integer in [0, n) */
  int(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.u32() < p * 4294967296;
  }
}

/** Seed of case `index` of a run: cases can be replayed one at a time. */
export function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

// ---------------------------------------------------------------- query text

const XML_SNIPPETS = [
  '<', '>', '/', '/>', '</', '=', '"', "'", '&', '&amp;', '&lt;', '&#65;', '&#x41;', '&#0;', '&#xD800;', '&nbsp;', '&',
  ']]>', '<!--', '-->', '--', '<?', '?>', '<?xml version="1.0"?>', '<![CDATA[', '<!DOCTYPE x>', '<!ENTITY e "x">',
  ' ', '\t', '\n', '\r', '\r\n', '\uFEFF', '\u00A0', '\u2028', '\u0000', '\u0001', '\uFFFE', '\uD800', '\uDC00', '\u{1F600}', '中',
  '0', '-1', '1e309', '9007199254740993', '0.001', '2026-02-30', '2026-11-11T00:00:00+08:00', '24:00', 'NaN', '7d', '0d',
  'segment', 'and', 'or', 'not', 'bought', 'tag', 'attr', 'ref', 'sku', 'category', 'shop', 'value', '__proto__', 'constructor',
];

/** Names, attribute values, attributes and whole tags found in a query text: material to splice. */
export interface XmlTokens {
  names: string[];
  attrNames: string[];
  values: string[];
  tags: string[];
}

const TAG_RE = /<\/?[A-Za-z_:][^<>]*>/g;
const ATTR_RE = /([A-Za-z_:][-\w.:]*)\s*=\s*("[^"]*"|'[^']*')/g;

export function tokensOf(texts: readonly string[]): XmlTokens {
  const sets = { names: new Set<string>(), attrNames: new Set<string>(), values: new Set<string>(), tags: new Set<string>() };
  for (const text of texts) {
    for (const [tag] of text.matchAll(TAG_RE)) {
      sets.tags.add(tag);
      const name = /^<\/?([^\s/>]+)/.exec(tag)?.[1];
      if (name) sets.names.add(name);
      for (const m of tag.matchAll(ATTR_RE)) {
        sets.attrNames.add(m[1]!);
        sets.values.add(m[2]!.slice(1, -1));
      }
    }
  }
  return { names: [...sets.names], attrNames: [...sets.attrNames], values: [...sets.values], tags: [...sets.tags] };
}

function spliceStr(s: string, at: number, del: number, ins: string): string {
  return s.slice(0, at) + ins + s.slice(at + del);
}

/** Spans of `re` in `s`, as [start, end). */
function spans(s: string, re: RegExp): Array<[number, number, RegExpMatchArray]> {
  return [...s.matchAll(re)].map((m) => [m.index!, m.index! + m[0].length, m]);
}

type XmlMutator = (s: string, rng: Rng, t: XmlTokens) => string;

const XML_MUTATORS: XmlMutator[] = [
  // byte flip: one code unit changed by a flipped bit
  (s, rng) => {
    if (s.length === 0) return s;
    const at = rng.int(s.length);
    return spliceStr(s, at, 1, String.fromCharCode(s.charCodeAt(at) ^ (1 << rng.int(rng.chance(0.8) ? 7 : 16))));
  },
  // insertion of a markup-significant snippet
  (s, rng) => spliceStr(s, rng.int(s.length + 1), 0, rng.pick(XML_SNIPPETS)),
  // replacement of one character by a snippet
  (s, rng) => spliceStr(s, rng.int(s.length), 1, rng.pick(XML_SNIPPETS)),
  // deletion of a short range
  (s, rng) => spliceStr(s, rng.int(s.length), 1 + rng.int(rng.chance(0.7) ? 3 : 40), ''),
  // duplication of a range
  (s, rng) => {
    const at = rng.int(s.length);
    const len = 1 + rng.int(30);
    return spliceStr(s, at, 0, s.slice(at, at + len));
  },
  // token splices: an element name, attribute name, value or tag from another example
  (s, rng, t) => {
    const tags = spans(s, TAG_RE);
    if (tags.length === 0) return s;
    const [a, b] = rng.pick(tags);
    return spliceStr(s, a, b - a, rng.pick(t.tags));
  },
  (s, rng, t) => {
    const names = spans(s, /(?<=<\/?)[A-Za-z_:][-\w.:]*/g);
    if (names.length === 0) return s;
    const [a, b] = rng.pick(names);
    return spliceStr(s, a, b - a, rng.pick(t.names));
  },
  (s, rng, t) => {
    const attrs = spans(s, ATTR_RE);
    if (attrs.length === 0) return s;
    const [a, , m] = rng.pick(attrs);
    return spliceStr(s, a, m[1]!.length, rng.pick(t.attrNames));
  },
  (s, rng, t) => {
    const attrs = spans(s, ATTR_RE);
    if (attrs.length === 0) return s;
    const [, b, m] = rng.pick(attrs);
    const value = m[2]!;
    return spliceStr(s, b - value.length + 1, value.length - 2, rng.pick(t.values));
  },
  // an attribute added to a start tag (maybe a repeated one)
  (s, rng, t) => {
    const tags = spans(s, /<[A-Za-z_:][^<>]*?(?=\/?>)/g);
    if (tags.length === 0) return s;
    const [, b] = rng.pick(tags);
    return spliceStr(s, b, 0, ` ${rng.pick(t.attrNames)}="${rng.pick(t.values)}"`);
  },
  // duplicating or removing a tag
  (s, rng) => {
    const tags = spans(s, TAG_RE);
    if (tags.length === 0) return s;
    const [a, b] = rng.pick(tags);
    return rng.chance(0.5) ? spliceStr(s, a, 0, s.slice(a, b)) : spliceStr(s, a, b - a, '');
  },
  // duplicating or removing an element with its content (start tag to its end tag)
  (s, rng) => {
    const starts = spans(s, /<([A-Za-z_:][-\w.:]*)[^<>]*?>/g);
    if (starts.length === 0) return s;
    const [a, b, m] = rng.pick(starts);
    let end = b;
    if (!m[0].endsWith('/>')) {
      const close = s.indexOf(`</${m[1]}>`, b);
      if (close === -1) return s;
      end = close + m[1]!.length + 3;
    }
    return rng.chance(0.5) ? spliceStr(s, end, 0, s.slice(a, end)) : spliceStr(s, a, end - a, '');
  },
  // text after the root or before it
  (s, rng) => (rng.chance(0.5) ? s + rng.pick(XML_SNIPPETS) : rng.pick(XML_SNIPPETS) + s),
];

export function mutateXml(s: string, rng: Rng, tokens: XmlTokens): string {
  const n = 1 + rng.int(rng.chance(0.5) ? 1 : 4);
  for (let i = 0; i < n; i++) s = rng.pick(XML_MUTATORS)(s, rng, tokens);
  return s;
}

// ---------------------------------------------------------------- record bytes

const BYTE_SNIPPETS: Uint8Array[] = [
  ...['"', ',', '\n', '\r', '\r\n', '{', '}', '[', ']', ':', '\\', '\\u', '\\ud800', '""', 'null', 'true', '-', '0', '1e999', '-0', '0.001',
    '9007199254740993', '2026-02-30', 'T24:00:00', '+25:00', '"type":"order"', '"lines":[]', 'order', 'refund', 'customer', 'tag', '\u00A0', '\uFEFF']
    .map((s) => new TextEncoder().encode(s)),
  Uint8Array.of(0), Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xef, 0xbb, 0xbf), Uint8Array.of(0x80),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff), Uint8Array.of(0, 0, 0, 0), Uint8Array.of(0x7f, 0xff, 0xff, 0xff),
];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function spliceBytes(b: Uint8Array, at: number, del: number, ins: Uint8Array): Uint8Array {
  return concat(b.subarray(0, at), ins, b.subarray(Math.min(b.length, at + del)));
}

/** Line spans of a text format, for line-level splices. */
function lines(b: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < b.length) out.push([start, b.length]);
  return out;
}

type ByteMutator = (b: Uint8Array, rng: Rng, others: readonly Uint8Array[]) => Uint8Array;

const BYTE_MUTATORS: ByteMutator[] = [
  // bit flip
  (b, rng) => {
    if (b.length === 0) return b;
    const out = b.slice();
    const at = rng.int(b.length);
    out[at] = out[at]! ^ (1 << rng.int(8));
    return out;
  },
  // byte set to a random or boundary value
  (b, rng) => {
    if (b.length === 0) return b;
    const out = b.slice();
    out[rng.int(b.length)] = rng.chance(0.5) ? rng.int(256) : rng.pick([0, 0x7f, 0x80, 0xff, 0x22, 0x2c, 0x0a]);
    return out;
  },
  (b, rng) => spliceBytes(b, rng.int(b.length + 1), 0, rng.pick(BYTE_SNIPPETS)),
  (b, rng) => spliceBytes(b, rng.int(b.length), 1 + rng.int(4), rng.pick(BYTE_SNIPPETS)),
  (b, rng) => spliceBytes(b, rng.int(b.length), 1 + rng.int(rng.chance(0.7) ? 4 : 200), new Uint8Array(0)),
  (b, rng) => {
    const at = rng.int(b.length);
    return spliceBytes(b, at, 0, b.slice(at, at + 1 + rng.int(64)));
  },
  // truncation
  (b, rng) => b.subarray(0, rng.int(b.length + 1)),
  // splice from another file of the same format: a line, or a byte range
  (b, rng, others) => {
    const other = rng.pick(others);
    const ours = lines(b);
    const theirs = lines(other);
    if (ours.length > 1 && theirs.length > 1 && rng.chance(0.6)) {
      const [a1, b1] = rng.pick(ours.slice(1));
      const [a2, b2] = rng.pick(theirs.slice(rng.chance(0.8) ? 1 : 0));
      return spliceBytes(b, a1, rng.chance(0.5) ? b1 - a1 : 0, other.subarray(a2, b2));
    }
    const at = rng.int(other.length);
    return spliceBytes(b, rng.int(b.length), rng.int(16), other.subarray(at, at + 1 + rng.int(64)));
  },
  // swap two lines (text formats) or two byte ranges
  (b, rng) => {
    const ls = lines(b);
    if (ls.length < 3) return b;
    const [a1, b1] = rng.pick(ls);
    return spliceBytes(b, rng.pick(ls)[0], 0, b.slice(a1, b1));
  },
  // swap a field value with another of the same line (JSON strings / CSV cells)
  (b, rng) => {
    const text = new TextDecoder().decode(b);
    const fields = [...text.matchAll(/"[^"\n]*"|[^,\n"]+/g)];
    if (fields.length < 2) return b;
    const x = rng.pick(fields);
    const y = rng.pick(fields);
    const out = text.slice(0, x.index!) + y[0] + text.slice(x.index! + x[0].length);
    return new TextEncoder().encode(out);
  },
];

export function mutateBytes(b: Uint8Array, rng: Rng, others: readonly Uint8Array[]): Uint8Array {
  const n = 1 + rng.int(rng.chance(0.5) ? 1 : 4);
  for (let i = 0; i < n; i++) b = rng.pick(BYTE_MUTATORS)(b, rng, others);
  return b;
}
