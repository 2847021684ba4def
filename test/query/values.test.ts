import { describe, expect, it } from 'vitest';
import type { AttrNode, BoughtNode } from '../../src/language/ast.js';
import { parseSegment } from '../../src/language/parse-segment.js';
import { expectQueryError, seg } from './expect-error.js';

const first = (body: string) => parseSegment(seg(body)).children[0]!;
const bought = (attrs: string) => first(`<bought ${attrs}/>`) as BoughtNode;
const attr = (body: string) => first(body) as AttrNode;

describe('counts', () => {
  it('minCount defaults to 1; plain digits are read', () => {
    expect(bought('').minCount).toBe(1);
    expect(bought('minCount="3"').minCount).toBe(3);
    expect(bought('minCount="007"').minCount).toBe(7);
    expect(bought('minCount="2147483647"').minCount).toBe(2147483647);
  });

  it.each(['0', '', '-1', '+1', ' 1', '1 ', '1.0', '1e2', 'one', '2147483648', '99999999999999999999'])(
    'minCount="%s" is E_BAD_NUMBER',
    (v) => {
      expectQueryError(seg(`<bought minCount="${v}"/>`), 'E_BAD_NUMBER', { line: 2, column: 3 });
    },
  );

  it('maxCount must be >= minCount', () => {
    expect(bought('minCount="2" maxCount="2"').maxCount).toBe(2);
    expectQueryError(seg('<bought maxCount="0"/>'), 'E_BAD_NUMBER');
    expectQueryError(seg('<bought minCount="3" maxCount="2"/>'), 'E_BAD_NUMBER');
    expectQueryError(seg('<bought maxCount="-1"/>'), 'E_BAD_NUMBER');
    expectQueryError(seg('<bought maxCount="2147483648"/>'), 'E_BAD_NUMBER');
  });
});

describe('amounts are exact integer cents', () => {
  it.each([
    ['0', 0],
    ['1', 100],
    ['1.5', 150],
    ['0.05', 5],
    ['299.00', 29900],
    ['0.29', 29], // 0.29 * 100 is 28.999999999999996 in floating point
    ['1.13', 113],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('minAmount="%s" is %i cents', (text, cents) => {
    expect(bought(`minAmount="${text}"`).minAmountCents).toBe(cents);
    expect(bought(`maxAmount="${text}"`).maxAmountCents).toBe(cents);
  });

  it.each(['1.005', '', '-1', '+1', '1e2', '.5', '1.', ' 1', '1,5', '90071992547409.92', 'NaN'])(
    'minAmount="%s" is E_BAD_NUMBER',
    (v) => {
      expectQueryError(seg(`<bought minAmount="${v}"/>`), 'E_BAD_NUMBER', { line: 2, column: 3 });
    },
  );

  it('minAmount above maxAmount is E_BAD_NUMBER; equal is fine', () => {
    expect(bought('minAmount="5" maxAmount="5.00"')).toMatchObject({ minAmountCents: 500, maxAmountCents: 500 });
    expectQueryError(seg('<bought minAmount="5.01" maxAmount="5"/>'), 'E_BAD_NUMBER');
  });
});

describe('windows', () => {
  it('dates stay dates, date-times become instants', () => {
    expect(bought('from="2024-02-29" to="2024-02-29"').window).toEqual({
      kind: 'range',
      from: { kind: 'date', date: '2024-02-29' },
      to: { kind: 'date', date: '2024-02-29' },
    });
    expect(bought('from="2026-11-11T00:03:12+08:00"').window).toEqual({
      kind: 'range',
      from: { kind: 'instant', ms: Date.parse('2026-11-10T16:03:12Z') },
    });
    expect(bought('to="2026-11-11T00:00:00Z"').window).toEqual({ kind: 'range', to: { kind: 'instant', ms: Date.parse('2026-11-11T00:00:00Z') } });
  });

  it.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-1-1', '2026-10-01T00:00:00', '2026-10-01 00:00:00Z', 'yesterday', '', ' 2026-10-01'])(
    'from="%s" is E_BAD_DATE',
    (v) => {
      expectQueryError(seg(`<bought from="${v}"/>`), 'E_BAD_DATE', { line: 2, column: 3 });
    },
  );

  it('from after to is E_BAD_DATE when both have the same kind', () => {
    expectQueryError(seg('<bought from="2026-11-12" to="2026-11-11"/>'), 'E_BAD_DATE');
    expectQueryError(seg('<bought from="2026-11-11T00:00:01Z" to="2026-11-11T00:00:00Z"/>'), 'E_BAD_DATE');
    // same instant written in two offsets is not "after"
    expect(bought('from="2026-11-11T08:00:00+08:00" to="2026-11-11T00:00:00Z"').window.kind).toBe('range');
    // a date against an instant depends on the zone: left to the planner
    expect(bought('from="2026-11-12" to="2026-11-11T00:00:00Z"').window.kind).toBe('range');
  });

  it('last', () => {
    expect(bought('last="30d"').window).toEqual({ kind: 'last', amount: 30, unit: 'd' });
    expect(bought('last="1h"').window).toEqual({ kind: 'last', amount: 1, unit: 'h' });
    expect(bought('last="10000000w"').window).toEqual({ kind: 'last', amount: 10_000_000, unit: 'w' });
  });

  it.each(['0d', '3y', '1.5d', '-1d', 'd', '', '7', '7 d', ' 7d', '7D', '07d', '10000001h', '1m'])('last="%s" is E_BAD_DURATION', (v) => {
    expectQueryError(seg(`<bought last="${v}"/>`), 'E_BAD_DURATION', { line: 2, column: 3 });
  });
});

describe('filters', () => {
  it('child lists keep order, drop duplicates, and keep text as written', () => {
    const b = first('<bought><sku>B</sku><sku> A </sku><sku>B</sku><sku></sku><shop>t<!-- c -->m</shop></bought>') as BoughtNode;
    expect(b.skus).toEqual(['B', ' A ', '']);
    expect(b.shops).toEqual(['tm']);
    expect(b.categories).toBeUndefined();
  });

  it('attribute values are taken as written', () => {
    expect(bought('sku=" A " category="" shop="jd"')).toMatchObject({ skus: [' A '], categories: [''], shops: ['jd'] });
  });
});

describe('attr', () => {
  it('numeric comparisons', () => {
    expect(attr('<attr name="a" gte="18" lt="30"/>').range).toEqual({ gte: 18, lt: 30 });
    expect(attr('<attr name="a" gt="-0" lte="1.5e-3"/>').range).toEqual({ gt: 0, lte: 0.0015 });
    expect(Object.is(attr('<attr name="a" gt="-0"/>').range!.gt, 0)).toBe(true);
  });

  it.each(['', 'abc', '1,5', ' 1', '1 ', '+1', 'Infinity', '1e999', '0x10', '.5', '5.', '--1'])('gt="%s" is E_BAD_NUMBER', (v) => {
    expectQueryError(seg(`<attr name="a" gt="${v}"/>`), 'E_BAD_NUMBER', { line: 2, column: 3 });
  });

  it('exists must be exactly true or false', () => {
    expect(attr('<attr name="a" exists="false"/>').exists).toBe(false);
    for (const v of ['TRUE', 'yes', '1', '', ' true']) expectQueryError(seg(`<attr name="a" exists="${v}"/>`), 'E_BAD_VALUE');
  });

  it('eq and <value> give string lists as written', () => {
    expect(attr('<attr name="a" eq="31"/>').eq).toEqual(['31']);
    expect(attr('<attr name="a"><value>gold</value> <value> gold</value><value>gold</value></attr>').eq).toEqual(['gold', ' gold']);
  });
});

describe('segment attributes', () => {
  it('name, asOf and tz', () => {
    const s = parseSegment('<segment name="n" asOf="2026-11-12T00:00:00+08:00" tz="UTC"><tag name="a"/></segment>');
    expect(s).toMatchObject({ name: 'n', asOfMs: Date.parse('2026-11-11T16:00:00Z'), tz: 'UTC' });
  });

  it('asOf must be a date-time with offset', () => {
    for (const v of ['2026-11-12', '2026-11-12T00:00:00', 'now', '2026-11-31T00:00:00Z']) {
      expectQueryError(`<segment asOf="${v}"><tag name="a"/></segment>`, 'E_BAD_DATE', { line: 1, column: 1 });
    }
  });

  it('tz must be a known zone', () => {
    for (const v of ['', 'Asia/Nowhere', 'GMT+25']) {
      expectQueryError(`<segment tz="${v}"><tag name="a"/></segment>`, 'E_BAD_TZ', { line: 1, column: 1 });
    }
  });
});

describe('XML text handling', () => {
  it('decodes the five entities and character references, nothing else', () => {
    const t = first('<tag name="&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;"/>');
    expect(t).toMatchObject({ kind: 'tag', name: '&<>"\'AB😀' });
    expectQueryError(seg('<tag name="&nbsp;"/>'), 'E_XML_SYNTAX', { line: 2, column: 3 });
    expectQueryError(seg('<tag name="&copy;"/>'), 'E_XML_SYNTAX');
    expectQueryError(seg('<tag name="a & b"/>'), 'E_XML_SYNTAX');
    expectQueryError(seg('<tag name="&#65"/>'), 'E_XML_SYNTAX');
    expectQueryError(seg('<bought><sku>&nbsp;</sku></bought>'), 'E_XML_SYNTAX', { line: 2, column: 11 });
  });

  it('refuses character references to characters XML forbids', () => {
    for (const ref of ['&#0;', '&#x1;', '&#xD800;', '&#xFFFE;', '&#x110000;', '&#99999999999999999999;']) {
      expectQueryError(seg(`<tag name="${ref}"/>`), 'E_XML_SYNTAX', { line: 2, column: 3 });
    }
  });

  it('CDATA content is not decoded', () => {
    expect((first('<bought><sku><![CDATA[&amp;<x>]]></sku></bought>') as BoughtNode).skus).toEqual(['&amp;<x>']);
  });

  it('normalises whitespace in attribute values as XML requires, but never trims', () => {
    expect(first('<tag name=" a\tb\nc&#10;d "/>')).toMatchObject({ name: ' a b c\nd ' });
  });

  it('positions count CRLF and CR line ends, and ignore a byte order mark', () => {
    const xml = '\uFEFF<segment>\r\n\r  <tag name="a"/>\r\n</segment>';
    expect(parseSegment(xml).children[0]!.pos).toEqual({ line: 3, column: 3 });
    expectQueryError('\uFEFF<segment>\r\n\r  <tag nam="a"/>\r\n</segment>', 'E_UNKNOWN_ATTRIBUTE', { line: 3, column: 3 });
  });

  it('accepts an XML declaration, comments and processing instructions', () => {
    const s = parseSegment('<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><segment><?pi x?><!-- c --><tag name="a"/></segment><!-- end -->\n');
    expect(s.children).toEqual([{ kind: 'tag', name: 'a', pos: { line: 2, column: 38 } }]);
  });

  it('a > inside a quoted attribute value is just text', () => {
    expect(first(`<tag name="a>b" />`)).toMatchObject({ name: 'a>b' });
    expect(first(`<tag name='say "x"'/>`)).toMatchObject({ name: 'say "x"' });
  });

  it.each([
    ['empty text', '', undefined],
    ['only whitespace', '  \n ', undefined],
    ['text outside the root', '<segment><tag name="a"/></segment>x', undefined],
    ['two roots', '<segment><tag name="a"/></segment><segment><tag name="b"/></segment>', undefined],
    ['unclosed root', '<segment><tag name="a"/>', { line: 1, column: 1 }],
    ['unquoted attribute', '<segment><tag name=a/></segment>', undefined],
    ['duplicate attribute', '<segment><tag name="a" name="b"/></segment>', undefined],
    ['< in an attribute value', '<segment><tag name="a<b"/></segment>', undefined],
    ['unterminated comment', '<segment><tag name="a"/></segment><!-- x', { line: 1, column: 35 }],
    ['-- inside a comment', '<segment><!-- a -- b --><tag name="a"/></segment>', { line: 1, column: 10 }],
    ['unterminated CDATA', '<segment><bought><sku><![CDATA[x</sku></bought></segment>', { line: 1, column: 23 }],
    ['unterminated start tag', '<segment>\n<tag name="a', { line: 2, column: 1 }],
    ['control character', '<segment><tag name="a\u0001"/></segment>', { line: 1, column: 22 }],
    ['lone surrogate', '<segment><tag name="\uD800"/></segment>', { line: 1, column: 21 }],
    [']]> in text', '<segment><bought><sku>a]]>b</sku></bought></segment>', { line: 1, column: 18 }],
    ['markup declaration', '<segment><!ELEMENT x ANY><tag name="a"/></segment>', { line: 1, column: 10 }],
  ])('%s is E_XML_SYNTAX', (_, xml, at) => {
    expectQueryError(xml, 'E_XML_SYNTAX', at);
  });
});
