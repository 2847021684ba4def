import { describe, expect, it } from 'vitest';
import { CONDITION_ELEMENTS } from '../../src/language/read-condition.js';
import { ELEMENTS, PLAN_NODES } from '../../src/language/registry.js';
import { parseSegment } from '../../src/language/parse-segment.js';

describe('element registry', () => {
  it('lists the condition elements in the order the messages name them', () => {
    expect(CONDITION_ELEMENTS).toEqual(['and', 'or', 'not', 'bought', 'tag', 'attr', 'ref', 'firstOrder', 'lastOrder', 'sample', 'score', 'sequence']);
    expect(Object.keys(ELEMENTS)).toEqual(CONDITION_ELEMENTS);
  });

  it('has a definition for every plan node kind', () => {
    expect(Object.keys(PLAN_NODES).sort()).toEqual(['and', 'andNot', 'attr', 'bought', 'empty', 'firstOrder', 'lastOrder', 'liveRef', 'not', 'or', 'sample', 'score', 'sequence', 'tag']);
  });

  it('reads each element into a node of its own kind', () => {
    const xml = '<segment><and><tag name="a"/><or><not><ref segment="s"/></not><bought sku="x"/></or><attr name="n" exists="true"/></and></segment>';
    const kinds: string[] = [];
    const walk = (n: { kind: string }): void => {
      kinds.push(n.kind);
      const element = ELEMENTS[n.kind as keyof typeof ELEMENTS] as { children(n: unknown): readonly { kind: string }[] };
      element.children(n).forEach(walk);
    };
    parseSegment(xml).children.forEach(walk);
    expect(kinds).toEqual(['and', 'tag', 'or', 'not', 'ref', 'bought', 'attr']);
  });
});
