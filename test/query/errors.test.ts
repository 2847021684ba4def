import { describe, expect, it } from 'vitest';
import { expectQueryError, seg } from './expect-error.js';
import { parseSegment } from '../../src/language/parse-segment.js';

// One test per error code the parser raises, each with the position it reports.
describe('one error per code, with line and column', () => {
  it('E_XML_SYNTAX: mismatched end tag, at the end tag', () => {
    expectQueryError('<segment>\n  <tag name="a">\n</segment>', 'E_XML_SYNTAX', { line: 3, column: 1 });
  });

  it('E_XML_DOCTYPE: at the declaration', () => {
    expectQueryError('<?xml version="1.0"?>\n<!DOCTYPE segment>\n<segment><tag name="a"/></segment>', 'E_XML_DOCTYPE', { line: 2, column: 1 });
  });

  it('E_XML_TOO_LARGE: no position', () => {
    const err = expectQueryError(seg('<tag name="a"/>'), 'E_XML_TOO_LARGE', undefined, { maxBytes: 10 });
    expect(err.where).toEqual({});
  });

  it('E_XML_TOO_DEEP: at the first element past the limit', () => {
    expectQueryError('<segment>\n  <and>\n    <or><tag name="a"/></or>\n  </and>\n</segment>', 'E_XML_TOO_DEEP', { line: 3, column: 5 }, { maxDepth: 2 });
  });

  it('E_UNKNOWN_ELEMENT: at the element', () => {
    expectQueryError(seg('<and>\n    <purchased sku="A"/>\n  </and>'), 'E_UNKNOWN_ELEMENT', { line: 3, column: 5 });
  });

  it('E_UNKNOWN_ATTRIBUTE: at the element carrying it', () => {
    expectQueryError(seg('<bought sku="A" color="red"/>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
  });

  it('E_MISSING_ATTRIBUTE: at the element missing it', () => {
    expectQueryError(seg('<or><tag name="a"/><ref/></or>'), 'E_MISSING_ATTRIBUTE', { line: 2, column: 22 });
  });

  it('E_CHILD_COUNT: at the combinator', () => {
    expectQueryError(seg('<not>\n    <tag name="a"/>\n    <tag name="b"/>\n  </not>'), 'E_CHILD_COUNT', { line: 2, column: 3 });
  });

  it('E_CONFLICT: at the element', () => {
    expectQueryError(seg('<bought sku="A"><sku>B</sku></bought>'), 'E_CONFLICT', { line: 2, column: 3 });
  });

  it('E_BAD_NUMBER: at the element', () => {
    expectQueryError(seg('<bought minCount="0"/>'), 'E_BAD_NUMBER', { line: 2, column: 3 });
  });

  it('E_BAD_DATE: at the element', () => {
    expectQueryError(seg('<bought from="2026-02-30"/>'), 'E_BAD_DATE', { line: 2, column: 3 });
  });

  it('E_BAD_DURATION: at the element', () => {
    expectQueryError(seg('<bought last="3y"/>'), 'E_BAD_DURATION', { line: 2, column: 3 });
  });

  it('E_BAD_TZ: at the segment', () => {
    expectQueryError('\n<segment tz="Mars/Olympus"><tag name="a"/></segment>', 'E_BAD_TZ', { line: 2, column: 1 });
  });

  it('E_BAD_VALUE: at the element', () => {
    expectQueryError(seg('<attr name="phone" exists="maybe"/>'), 'E_BAD_VALUE', { line: 2, column: 3 });
  });

  it('message carries code, position and hint', () => {
    const err = expectQueryError(seg('<bought last="3y"/>'), 'E_BAD_DURATION');
    expect(err.message).toMatch(/^E_BAD_DURATION: line 2, column 3: last="3y" is not a duration \(.+\)$/);
    expect(err.isUserError).toBe(true);
  });
});

describe('structure', () => {
  it('root must be <segment>', () => {
    expectQueryError('<query><tag name="a"/></query>', 'E_UNKNOWN_ELEMENT', { line: 1, column: 1 });
    expectQueryError('<Segment><tag name="a"/></Segment>', 'E_UNKNOWN_ELEMENT', { line: 1, column: 1 });
  });

  it('segment needs at least one condition', () => {
    expectQueryError('<segment/>', 'E_CHILD_COUNT', { line: 1, column: 1 });
    expectQueryError('<segment name="x">  <!-- empty -->  </segment>', 'E_CHILD_COUNT', { line: 1, column: 1 });
  });

  it('and/or need a child, not exactly one', () => {
    expectQueryError(seg('<and/>'), 'E_CHILD_COUNT', { line: 2, column: 3 });
    expectQueryError(seg('<or></or>'), 'E_CHILD_COUNT', { line: 2, column: 3 });
    expectQueryError(seg('<not/>'), 'E_CHILD_COUNT', { line: 2, column: 3 });
  });

  it('element names are case-sensitive, with a suggestion', () => {
    const err = expectQueryError(seg('<Bought sku="A"/>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
    expect(err.hint).toContain('did you mean bought');
  });

  it('attribute names are case-sensitive, with a suggestion', () => {
    const err = expectQueryError(seg('<bought SKU="A"/>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
    expect(err.hint).toContain('did you mean sku');
  });

  it('combinators take no attributes', () => {
    expectQueryError(seg('<and op="x"><tag name="a"/></and>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
    expectQueryError(seg('<or name="x"><tag name="a"/></or>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
    expectQueryError(seg('<not name="x"><tag name="a"/></not>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
  });

  it('namespaced and xmlns attributes are unknown', () => {
    expectQueryError('<segment xmlns="urn:x"><tag name="a"/></segment>', 'E_UNKNOWN_ATTRIBUTE', { line: 1, column: 1 });
    expectQueryError(seg('<tag name="a" xml:lang="en"/>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
  });

  it('names that are JavaScript object keys are just unknown', () => {
    expectQueryError(seg('<constructor/>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
    expectQueryError(seg('<__proto__/>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
    expectQueryError(seg('<tag name="a" toString="b"/>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
    expectQueryError(seg('<tag name="a" __proto__="b"/>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
  });

  it('a known element in the wrong place is E_UNKNOWN_ELEMENT at that element', () => {
    expectQueryError(seg('<sku>A</sku>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
    expectQueryError(seg('<bought><value>A</value></bought>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 11 });
    expectQueryError(seg('<attr name="a"><sku>A</sku></attr>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 18 });
    expectQueryError(seg('<bought><sku><b/></sku></bought>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 16 });
    expectQueryError(seg('<tag name="a"><tag name="b"/></tag>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 17 });
    expectQueryError(seg('<and><segment><tag name="a"/></segment></and>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 8 });
  });

  it('stray text is E_UNKNOWN_ELEMENT at the element holding it', () => {
    expectQueryError(seg('<and>x<tag name="a"/></and>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
    expectQueryError(seg('<bought>A</bought>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
    expectQueryError(seg('<attr name="a">gold</attr>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
    expectQueryError(seg('<tag name="a">vip</tag>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
    expectQueryError('<segment>hello<tag name="a"/></segment>', 'E_UNKNOWN_ELEMENT', { line: 1, column: 1 });
    expectQueryError(seg('<and><![CDATA[x]]><tag name="a"/></and>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
  });

  it('value elements take no attributes', () => {
    expectQueryError(seg('<bought><sku id="1">A</sku></bought>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 11 });
  });

  it('missing required attributes', () => {
    expectQueryError(seg('<tag/>'), 'E_MISSING_ATTRIBUTE', { line: 2, column: 3 });
    expectQueryError(seg('<attr eq="x"/>'), 'E_MISSING_ATTRIBUTE', { line: 2, column: 3 });
    expectQueryError(seg('<attr name="city"/>'), 'E_MISSING_ATTRIBUTE', { line: 2, column: 3 });
  });

  it('conflicts', () => {
    expectQueryError(seg('<bought category="a"><category>b</category></bought>'), 'E_CONFLICT');
    expectQueryError(seg('<bought shop="a"><shop>b</shop></bought>'), 'E_CONFLICT');
    expectQueryError(seg('<bought last="7d" from="2026-01-01"/>'), 'E_CONFLICT', { line: 2, column: 3 });
    expectQueryError(seg('<bought last="7d" to="2026-01-01"/>'), 'E_CONFLICT');
    expectQueryError(seg('<attr name="a" eq="x"><value>y</value></attr>'), 'E_CONFLICT', { line: 2, column: 3 });
  });

  it('combines every comparison, even gt with gte', () => {
    const node = parseSegment(seg('<attr name="a" gt="1" gte="2" lt="9" lte="8"/>')).children[0];
    expect(node).toMatchObject({ kind: 'attr', range: { gt: 1, gte: 2, lt: 9, lte: 8 } });
  });
});
