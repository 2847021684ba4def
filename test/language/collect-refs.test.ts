import { describe, expect, it } from 'vitest';
import { collectRefs, parseSegment } from '../../src/language/parse-segment.js';

describe('collectRefs', () => {
  it('lists every <ref segment>, in document order, each once', () => {
    const s = parseSegment(`
      <segment>
        <ref segment="b"/>
        <or>
          <not><ref segment="a"/></not>
          <and><tag name="x"/><ref segment="c"/><ref segment="b"/></and>
        </or>
        <bought sku="ref"/>
      </segment>`);
    expect(collectRefs(s)).toEqual(['b', 'a', 'c']);
  });

  it('is empty without refs', () => {
    expect(collectRefs(parseSegment('<segment><tag name="a"/></segment>'))).toEqual([]);
  });

  it('keeps names as written', () => {
    expect(collectRefs(parseSegment('<segment><ref segment=" Lapsed &amp; VIP "/></segment>'))).toEqual([' Lapsed & VIP ']);
  });
});
