import { describe, expect, it } from 'vitest';
import type { BoughtPlan } from '../../src/elements/bought/index.js';
import { boughtNodes, boughtNodeSteps } from '../../src/language/evaluate.js';
import type { PlanNode } from '../../src/plan/plan-node.js';

const bought = (key: string): BoughtPlan => ({ kind: 'bought', key, estimate: 0, lo: 0, hi: 10, minCount: 1 });
const or = (...children: PlanNode[]): PlanNode => ({ kind: 'or', key: 'or', estimate: 0, children });
const not = (child: PlanNode): PlanNode => ({ kind: 'not', key: 'not', estimate: 0, child });

describe('boughtNodes', () => {
  it('lists each distinct <bought> once, depth first in child order', () => {
    const a = bought('a'), b = bought('b'), c = bought('c');
    expect(boughtNodes(or(a, or(b, a), not(c), b))).toEqual([a, b, c]);
  });

  it('in steps: a 20,000-branch plan yields along the way, same list', () => {
    const branches = Array.from({ length: 20_000 }, (_, i) => bought(`b${i}`));
    const steps = boughtNodeSteps(or(...branches, ...branches.slice(0, 100)));
    let yields = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) yields++;
    expect(yields).toBeGreaterThanOrEqual(10);
    expect(next.value).toEqual(branches);
  });
});
