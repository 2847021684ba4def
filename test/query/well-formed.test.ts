import { describe, expect, it } from 'vitest';
import { parseSegment } from '../../src/language/parse-segment.js';
import { expectQueryError } from './expect-error.js';

// Issue 13: the XML 1.0 rules the reader must follow, one golden error per way
// of breaking them. Each error is E_XML_SYNTAX at the offending character.
const ROOT = '<segment><tag name="a"/></segment>'; // 34 characters

describe('after the root element: only white space, comments and PIs', () => {
  it.each([
    ['an entity reference', `${ROOT}&lt;`, 35],
    ['a character reference', `${ROOT}&#65;`, 35],
    ['text', `${ROOT}junk`, 35],
    ['text after white space', `${ROOT}\n  junk`, { line: 2, column: 3 }],
    ['a second root element', `${ROOT}<segment><tag name="b"/></segment>`, 35],
    ['a stray end tag', `${ROOT}</segment>`, 35],
    ['CDATA', `${ROOT}<![CDATA[x]]>`, 35],
    ['a no-break space', `${ROOT}\u00A0`, 35],
  ])('%s is refused', (_what, xml, at) => {
    const pos = typeof at === 'number' ? { line: 1, column: at } : at;
    const err = expectQueryError(xml, 'E_XML_SYNTAX', pos);
    expect(err.reason).toContain('after the root element');
  });

  it('white space, comments and processing instructions are fine', () => {
    expect(parseSegment(`${ROOT}\n<!-- saved 2026-01-01 -->\n<?app v="1"?>\n\t \r\n`).children).toHaveLength(1);
  });
});

describe('before the root element', () => {
  it('an XML declaration at offset 0, comments, PIs and white space are fine', () => {
    expect(parseSegment(`<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<?app x?>\n ${ROOT}`).children).toHaveLength(1);
    expect(parseSegment(`\uFEFF<?xml version='1.0' standalone='yes' ?>${ROOT}`).children).toHaveLength(1);
  });

  it('text, references and a misplaced XML declaration are refused', () => {
    expectQueryError(`x${ROOT}`, 'E_XML_SYNTAX', { line: 1, column: 1 });
    expectQueryError(`&amp;${ROOT}`, 'E_XML_SYNTAX', { line: 1, column: 1 });
    expectQueryError(`\u00A0${ROOT}`, 'E_XML_SYNTAX', { line: 1, column: 1 });
    expectQueryError(` <?xml version="1.0"?>${ROOT}`, 'E_XML_SYNTAX', { line: 1, column: 2 });
    expectQueryError(`${ROOT}<?xml version="1.0"?>`, 'E_XML_SYNTAX', { line: 1, column: 35 });
    expectQueryError(`<?xml version="1.0" standalone="maybe"?>${ROOT}`, 'E_XML_SYNTAX', { line: 1, column: 1 });
    expectQueryError(`<?xml encoding="UTF-8"?>${ROOT}`, 'E_XML_SYNTAX', { line: 1, column: 1 });
    expectQueryError('', 'E_XML_SYNTAX', { line: 1, column: 1 });
    expectQueryError(' \n<!-- only a comment -->', 'E_XML_SYNTAX', { line: 2, column: 24 });
  });
});

describe('start tags: Name (S Name S? = S? AttValue)* S? (/)?>', () => {
  it.each([
    ['= right after a value', '<segment><tag name="vip"=/></segment>', 25],
    ['a lone = between spaces', '<segment><tag name="vip" = = /></segment>', 26],
    ['no space between attributes', '<segment><tag name="a"b="c"/></segment>', 23],
    ['an unquoted value', '<segment><tag name=a/></segment>', 20],
    ['an attribute without a value', '<segment><tag name/></segment>', 19],
    ['a no-break space as separator', '<segment><tag\u00A0name="a"/></segment>', 14],
    ['a space between / and >', '<segment><tag name="a"/ ></segment>', 24],
    ['a repeated attribute', '<segment><tag name="a" name="b"/></segment>', 24],
    ['a name starting with a digit', '<segment><1tag name="a"/></segment>', 11],
    ['an attribute name starting with -', '<segment><tag -x="1" name="a"/></segment>', 15],
  ])('%s is refused', (_what, xml, column) => {
    expectQueryError(xml, 'E_XML_SYNTAX', { line: 1, column });
  });

  it('white space around = and before > or /> is fine, of every XML kind', () => {
    expect(parseSegment('<segment\n><tag\tname \n=\r\n"a"\t/></segment>').children[0]).toMatchObject({ kind: 'tag', name: 'a' });
    expect(parseSegment("<segment ><tag name='a' ></tag ></segment\n>").children[0]).toMatchObject({ kind: 'tag', name: 'a' });
  });
});

describe('end tags: </Name S? >', () => {
  it.each([
    ['a byte order mark before >', '<segment><tag name="a"/></segment\uFEFF>', 34],
    ['a no-break space before >', '<segment><tag name="a"/></segment\u00A0>', 34],
    ['an attribute', '<segment><tag name="a"/></segment x="1">', 35],
    ['a slash', '<segment><tag name="a"/></segment/>', 34],
    ['no name', '<segment><tag name="a"/></ segment>', 27],
  ])('%s is refused', (_what, xml, column) => {
    expectQueryError(xml, 'E_XML_SYNTAX', { line: 1, column });
  });

  it('a mismatched end tag names the open element', () => {
    const err = expectQueryError('<segment><bought sku="A"></segment>', 'E_XML_SYNTAX', { line: 1, column: 26 });
    expect(err.reason).toContain('<bought>');
    expect(err.reason).toContain('line 1, column 10');
  });

  it('an unclosed element is reported where it opens', () => {
    expectQueryError('<segment>\n  <and><tag name="a"/>\n</and>', 'E_XML_SYNTAX', { line: 1, column: 1 });
  });
});

describe('processing instructions', () => {
  it('need a name, and the name xml is reserved for the declaration', () => {
    expectQueryError('<segment><? x?><tag name="a"/></segment>', 'E_XML_SYNTAX', { line: 1, column: 12 });
    expectQueryError('<segment><?XML x?><tag name="a"/></segment>', 'E_XML_SYNTAX', { line: 1, column: 10 });
    expect(parseSegment('<segment><?app?><?app x?><tag name="a"/></segment>').children).toHaveLength(1);
  });
});

describe('a byte order mark is only one at offset 0', () => {
  it('at offset 0 it is dropped', () => {
    expect(parseSegment(`\uFEFF${ROOT}`).children).toHaveLength(1);
  });

  it.each([
    ['in text between elements', '<segment>\n  <tag name="a"/>\uFEFF\n</segment>', { line: 2, column: 18 }],
    ['inside an attribute value', '<segment><tag name="\uFEFFa"/></segment>', { line: 1, column: 21 }],
    ['after the root', `${ROOT}\n\uFEFF`, { line: 2, column: 1 }],
    ['twice at the start', `\uFEFF\uFEFF${ROOT}`, { line: 1, column: 1 }],
  ])('%s it is named, with its line and column', (_what, xml, at) => {
    const err = expectQueryError(xml, 'E_XML_SYNTAX', at);
    expect(err.reason).toContain('U+FEFF');
  });
});

describe('stray invisible text is named, not shown as ""', () => {
  it('a no-break space between elements', () => {
    const err = expectQueryError('<segment>\u00A0<tag name="a"/></segment>', 'E_UNKNOWN_ELEMENT', { line: 1, column: 1 });
    expect(err.reason).toContain('U+00A0');
    expect(err.reason).not.toContain('text ""');
  });
});
