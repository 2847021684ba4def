import { describe, expect, it } from 'vitest';
import { candidateSources, candidateSourceSteps } from '../../src/language/candidate-sources.js';
import type { BoughtPlan } from '../../src/elements/bought/index.js';
import type { TagPlan } from '../../src/elements/tag/index.js';
import type { PlanNode } from '../../src/plan/plan-node.js';

const bought = (key: string): BoughtPlan => ({ kind: 'bought', key, estimate: 0, lo: 0, hi: 10, minCount: 1 });
const tag = (name: string): TagPlan => ({ kind: 'tag', key: `tag:${name}`, estimate: 0, name });
const and = (...children: PlanNode[]): PlanNode => ({ kind: 'and', key: 'and', estimate: 0, children });
const or = (...children: PlanNode[]): PlanNode => ({ kind: 'or', key: 'or', estimate: 0, children });
const not = (child: PlanNode): PlanNode => ({ kind: 'not', key: 'not', estimate: 0, child });
const andNot = (left: PlanNode, ...remove: PlanNode[]): PlanNode => ({ kind: 'andNot', key: 'andNot', estimate: 0, left, remove });

describe('candidateSources (semi-join pushdown)', () => {
  it('bounds a <bought> by its <bought>-free and-siblings, including negated ones', () => {
    const b = bought('b'), vip = tag('vip'), gone = not(tag('gone'));
    const sources = candidateSources(and(vip, b, gone));
    expect(sources.get(b)).toEqual([vip, gone]);
  });

  it('pushes through or children and andNot left sides, never into what is removed or negated', () => {
    const b1 = bought('b1'), b2 = bought('b2'), left = bought('left'), removed = bought('removed'), negated = bought('negated');
    const vip = tag('vip');
    const sources = candidateSources(and(vip, or(b1, b2), andNot(left, removed), not(negated)));
    expect(sources.get(b1)).toEqual([vip]);
    expect(sources.get(b2)).toEqual([vip]);
    expect(sources.get(left)).toEqual([vip]);
    expect(sources.has(removed)).toBe(false);
    expect(sources.has(negated)).toBe(false);
  });

  it('leaves alone a <bought> without free siblings, at the root, or shared by two parents', () => {
    const a = bought('a'), b = bought('b');
    expect(candidateSources(and(a, b)).size).toBe(0);
    expect(candidateSources(a).size).toBe(0);
    const shared = bought('shared'), vip = tag('vip');
    // the shared node is evaluated once for both parents: limiting it by one would be wrong for the other
    expect(candidateSources(or(and(vip, shared), shared)).has(shared)).toBe(false);
    // a shared <or> above it blocks the path too
    const sharedOr = or(bought('x'));
    expect(candidateSources(or(and(vip, sharedOr), and(tag('new'), sharedOr))).size).toBe(0);
  });

  it('collects the siblings of every enclosing and', () => {
    const b = bought('b'), vip = tag('vip'), city = tag('city');
    const sources = candidateSources(and(vip, or(and(city, b), bought('other'))));
    expect(sources.get(b)).toEqual(expect.arrayContaining([vip, city]));
    expect(sources.get(b)).toHaveLength(2);
  });

  it('sees a shared subtree with a <bought> inside as not free, whichever parent reaches it first', () => {
    const b = bought('b'), vip = tag('vip'), c = or(bought('c'));
    // d reaches c too: c is finished through d before the and looks at its children
    const d = or(c, tag('z'));
    expect(candidateSources(and(vip, b, c, d)).get(b)).toEqual([vip]);
  });

  it('in steps: a 20,000-branch plan yields along the way, and the map is the same', () => {
    const vip = tag('vip');
    const branches = Array.from({ length: 20_000 }, (_, i) => bought(`b${i}`));
    const plan = and(vip, or(...branches));
    const steps = candidateSourceSteps(plan);
    let yields = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) yields++;
    expect(yields).toBeGreaterThanOrEqual(20);
    const sources = next.value;
    expect(sources.size).toBe(20_000);
    expect(sources.get(branches[12_345]!)).toEqual([vip]);
    expect(candidateSources(plan)).toBe(sources); // cached for the evaluations
  });
});
