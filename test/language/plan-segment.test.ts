import { describe, expect, it } from 'vitest';
import type { PlanNode } from '../../src/plan/plan-node.js';
import type { PlanStats } from '../../src/plan/plan-stats.js';
import { planSegment } from '../../src/language/plan-segment.js';
import { parseSegment } from '../../src/language/parse-segment.js';

/** Estimates: sku X has rows listed here, tags their holders. */
const stats: PlanStats = {
  universe: () => 1000,
  boughtRows: ({ skus }) => (skus ? skus.reduce((n, s) => n + ({ A: 500, B: 20, C: 5 } as Record<string, number>)[s]!, 0) : 5000),
  tagHolders: (name) => ({ vip: 50, big: 900 } as Record<string, number>)[name] ?? 0,
  attributeHolders: () => 300,
};

const saved: Record<string, string> = {
  loop1: '<segment><ref segment="loop2"/></segment>',
  loop2: '<segment><ref segment="loop1"/></segment>',
  vips: '<segment><tag name="vip"/></segment>',
};

function plan(xml: string, asOf = '2026-11-12T00:00:00+08:00', tz = 'Asia/Shanghai'): PlanNode {
  return planSegment(parseSegment(xml), {
    asOfMs: Date.parse(asOf),
    tz,
    stats,
    loadSegment: (name) => {
      if (!(name in saved)) throw Object.assign(new Error('unknown'), { code: 'E_UNKNOWN_SEGMENT' });
      return parseSegment(saved[name]!);
    },
  });
}

/** Compact shape of a plan for golden comparisons. */
function shape(n: PlanNode): unknown {
  switch (n.kind) {
    case 'and':
    case 'or':
      return { [n.kind]: n.children.map(shape) };
    case 'andNot':
      return { andNot: [shape(n.left), ...n.remove.map(shape)] };
    case 'not':
      return { not: shape(n.child) };
    case 'bought':
      return `bought ${n.skus?.join('|') ?? '*'} [${n.lo},${n.hi}] n>=${n.minCount}`;
    case 'tag':
      return `tag ${n.name}`;
    case 'attr':
      return `attr ${n.name}`;
    case 'empty':
      return 'empty';
  }
}

const ASOF_S = Date.parse('2026-11-12T00:00:00+08:00') / 1000;

describe('planner', () => {
  it('turns A and not B into andNot and resolves date windows in the zone', () => {
    const p = plan('<segment><bought sku="A" from="2026-10-01" to="2026-11-11"/><not><bought sku="B" from="2026-10-01" to="2026-11-11"/></not></segment>');
    const lo = Date.parse('2026-10-01T00:00:00+08:00') / 1000;
    const hi = Date.parse('2026-11-12T00:00:00+08:00') / 1000 - 1;
    expect(shape(p)).toEqual({ andNot: [`bought A [${lo},${hi}] n>=1`, `bought B [${lo},${hi}] n>=1`] });
  });

  it('flattens nested and/or and orders AND children by estimate, smallest first', () => {
    const p = plan('<segment><tag name="big"/><and><bought sku="A"/><and><tag name="vip"/></and></and><or><or><bought sku="C"/></or><bought sku="B"/></or></segment>');
    expect(shape(p)).toEqual({
      and: [
        { or: [`bought C [-Infinity,${ASOF_S}] n>=1`, `bought B [-Infinity,${ASOF_S}] n>=1`] },
        'tag vip',
        `bought A [-Infinity,${ASOF_S}] n>=1`,
        'tag big',
      ],
    });
  });

  it('evaluates equal subtrees once: they are the same node', () => {
    const p = plan('<segment><or><tag name="vip"/><bought sku="A" last="7d"/></or><not><bought sku="A" last="7d"/></not></segment>');
    if (p.kind !== 'andNot' || p.left.kind !== 'or') throw new Error('unexpected plan ' + JSON.stringify(shape(p)));
    expect(p.left.children[1]).toBe(p.remove[0]);
  });

  it('removes double negation and rewrites an AND of only negations', () => {
    expect(shape(plan('<segment><not><not><tag name="vip"/></not></not></segment>'))).toBe('tag vip');
    expect(shape(plan('<segment><not><tag name="vip"/></not><not><tag name="big"/></not></segment>'))).toEqual({
      not: { or: ['tag vip', 'tag big'] },
    });
  });

  it('caps windows at asOf and resolves last="N" as asOf - N < ts <= asOf', () => {
    const p = plan('<segment><bought sku="A" last="2h"/></segment>');
    expect(shape(p)).toBe(`bought A [${ASOF_S - 7200 + 1},${ASOF_S}] n>=1`);
    const future = plan('<segment><bought sku="A" from="2026-11-11" to="2027-01-01"/></segment>');
    expect(shape(future)).toBe(`bought A [${Date.parse('2026-11-11T00:00:00+08:00') / 1000},${ASOF_S}] n>=1`);
  });

  it('an empty window or impossible threshold plans to empty and folds away', () => {
    expect(shape(plan('<segment><bought sku="A" from="2027-01-01"/></segment>'))).toBe('empty');
    expect(shape(plan('<segment><or><bought sku="A" from="2027-01-01"/><tag name="vip"/></or></segment>'))).toBe('tag vip');
    expect(shape(plan('<segment><tag name="vip"/><not><bought sku="A" from="2027-01-01"/></not></segment>'))).toBe('tag vip');
  });

  it('honours DST in America/New_York date bounds', () => {
    // 2026-03-08 is 23 hours long in New York
    const p = plan('<segment><bought sku="A" from="2026-03-08" to="2026-03-08"/></segment>', '2026-12-01T00:00:00Z', 'America/New_York');
    const lo = Date.parse('2026-03-08T05:00:00Z') / 1000;
    const hi = Date.parse('2026-03-09T04:00:00Z') / 1000 - 1;
    expect(shape(p)).toBe(`bought A [${lo},${hi}] n>=1`);
  });

  it('expands refs and refuses cycles and unknown names', () => {
    expect(shape(plan('<segment><ref segment="vips"/></segment>'))).toBe('tag vip');
    expect(() => plan('<segment><ref segment="loop1"/></segment>')).toThrow(expect.objectContaining({ code: 'E_REF_CYCLE' }));
    expect(() => plan('<segment><ref segment="nope"/></segment>')).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_SEGMENT' }));
  });

  it('refuses from after to once dates are resolved', () => {
    expect(() => plan('<segment><bought sku="A" from="2026-10-02T00:00:00+08:00" to="2026-10-01"/></segment>')).toThrow(
      expect.objectContaining({ code: 'E_BAD_DATE' }),
    );
  });
});
