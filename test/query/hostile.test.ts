import { describe, expect, it } from 'vitest';
import type { OrNode } from '../../src/language/ast.js';
import { parseSegment } from '../../src/language/parse-segment.js';
import { expectQueryError } from './expect-error.js';

/** Hostile inputs must be refused with the right code, without blowing up: the bound is a
 * guard against exponential work (an entity bomb runs for minutes), not a speed claim. */
function quickly<T>(fn: () => T, ms = 10_000): T {
  const start = performance.now();
  const result = fn();
  expect(performance.now() - start).toBeLessThan(ms);
  return result;
}

const MiB = 1_048_576;

describe('hostile input', () => {
  it('billion laughs entity bomb: E_XML_DOCTYPE before any expansion', () => {
    const lol = Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol0 "lol">\n${lol}\n]>\n<segment><tag name="&lol9;"/></segment>`;
    quickly(() => expectQueryError(xml, 'E_XML_DOCTYPE', { line: 2, column: 1 }));
  });

  it('external entity (XXE): E_XML_DOCTYPE', () => {
    const xml = '<!DOCTYPE s [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><segment><tag name="&xxe;"/></segment>';
    expectQueryError(xml, 'E_XML_DOCTYPE', { line: 1, column: 1 });
  });

  it('DOCTYPE in any case, and a bare ENTITY declaration, are refused', () => {
    expectQueryError('<!doctype segment><segment><tag name="a"/></segment>', 'E_XML_DOCTYPE');
    expectQueryError('<segment><!ENTITY a "b"><tag name="a"/></segment>', 'E_XML_DOCTYPE', { line: 1, column: 10 });
  });

  it('a DOCTYPE inside a comment or CDATA is just text', () => {
    const s = parseSegment('<segment><!-- <!DOCTYPE x> --><bought><sku><![CDATA[<!ENTITY y>]]></sku></bought></segment>');
    expect(s.children[0]).toMatchObject({ kind: 'bought', skus: ['<!ENTITY y>'] });
  });

  it('5,000-deep nesting: E_XML_TOO_DEEP at the 101st element', () => {
    const open = '<segment>' + '<and>'.repeat(5000);
    const closed = open + '<tag name="a"/>' + '</and>'.repeat(5000) + '</segment>';
    // element 101 is the 100th <and>, which starts after "<segment>" and 99 "<and>"
    quickly(() => expectQueryError(closed, 'E_XML_TOO_DEEP', { line: 1, column: 10 + 99 * 5 }));
    quickly(() => expectQueryError(open, 'E_XML_TOO_DEEP', { line: 1, column: 10 + 99 * 5 }));
  });

  it('depth counts every element, self-closing ones included; the root is depth 1', () => {
    const nest = (ands: number) => '<segment>' + '<and>'.repeat(ands) + '<tag name="a"/>' + '</and>'.repeat(ands) + '</segment>';
    expect(() => parseSegment(nest(98))).not.toThrow(); // 1 + 98 + 1 = 100
    expectQueryError(nest(99), 'E_XML_TOO_DEEP', { line: 1, column: 10 + 99 * 5 }); // the <tag/> is element 101
    expect(() => parseSegment(nest(99), { maxDepth: 101 })).not.toThrow();
    expectQueryError('<segment><tag name="a"/></segment>', 'E_XML_TOO_DEEP', { line: 1, column: 10 }, { maxDepth: 1 });
  });

  it('deep nesting under a raised limit is parsed or refused, never a crash', () => {
    const nest = (ands: number) => '<segment>' + '<and>'.repeat(ands) + '<tag name="a"/>' + '</and>'.repeat(ands) + '</segment>';
    let depth = 0;
    let node: { kind: string; children?: readonly unknown[] } = parseSegment(nest(900), { maxDepth: 1000 });
    while (node.children) [node, depth] = [node.children[0] as typeof node, depth + 1];
    expect(depth).toBe(901);
    try {
      quickly(() => parseSegment(nest(20_000), { maxDepth: 30_000 }), 3000);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('E_XML_TOO_DEEP');
    }
  });

  it('unterminated XML: E_XML_SYNTAX', () => {
    quickly(() => expectQueryError('<segment><and><tag name="a"/>', 'E_XML_SYNTAX'));
    quickly(() => expectQueryError('<segment><tag name="a', 'E_XML_SYNTAX', { line: 1, column: 10 }));
    quickly(() => expectQueryError('<segment><!-- ', 'E_XML_SYNTAX', { line: 1, column: 10 }));
    quickly(() => expectQueryError('<'.repeat(MiB / 2), 'E_XML_SYNTAX'));
  });

  it('1 MiB is accepted, 1 MiB + 1 byte is E_XML_TOO_LARGE', () => {
    const body = '<segment><tag name="a"/></segment>';
    const exact = body + ' '.repeat(MiB - body.length);
    expect(Buffer.byteLength(exact)).toBe(MiB);
    quickly(() => expect(parseSegment(exact).children).toHaveLength(1));
    quickly(() => expectQueryError(exact + ' ', 'E_XML_TOO_LARGE'));
    quickly(() => expectQueryError('x'.repeat(50 * MiB), 'E_XML_TOO_LARGE'));
  });

  it('size is measured in UTF-8 bytes, not characters', () => {
    const name = '中'.repeat(400_000); // 1.2 MB of UTF-8 in 400k characters
    expectQueryError(`<segment><tag name="${name}"/></segment>`, 'E_XML_TOO_LARGE');
    expect(() => parseSegment(`<segment><tag name="${name}"/></segment>`, { maxBytes: 2 * MiB })).not.toThrow();
  });

  it('a wide query near the size limit parses quickly', () => {
    const tags = Array.from({ length: 25_000 }, (_, i) => `<tag name="t${i}"/>`).join('\n');
    const xml = `<segment><or>\n${tags}\n</or></segment>`;
    expect(Buffer.byteLength(xml)).toBeLessThan(MiB);
    const s = quickly(() => parseSegment(xml), 2000);
    const or = s.children[0] as OrNode;
    expect(or.kind).toBe('or');
    expect(or.children).toHaveLength(25_000);
    expect(or.children[24_999]!.pos).toEqual({ line: 25_001, column: 1 });
  });

  it('many attributes, entities and comments stay linear', () => {
    quickly(() => expectQueryError(`<segment><tag name="${'&amp;'.repeat(150_000)}" ${Array.from({ length: 10 }, (_, i) => `x${i}="1"`).join(' ')}/></segment>`, 'E_UNKNOWN_ATTRIBUTE'));
    quickly(() => expect(parseSegment(`<segment>${'<!-- c -->'.repeat(80_000)}<tag name="a"/></segment>`).children).toHaveLength(1));
    quickly(() => expectQueryError(`<segment><tag name="a" ${' '.repeat(MiB - 100)}/>x</segment>`, 'E_UNKNOWN_ELEMENT'));
  });

  it('hostile limits are the caller\'s error', () => {
    expect(() => parseSegment('<segment><tag name="a"/></segment>', { maxDepth: 0 })).toThrow(/E_BAD_ARGS/);
    expect(() => parseSegment('<segment><tag name="a"/></segment>', { maxBytes: Number.NaN })).toThrow(/E_BAD_ARGS/);
    expect(parseSegment('<segment><tag name="a"/></segment>', { maxDepth: undefined }).children).toHaveLength(1);
  });
});
