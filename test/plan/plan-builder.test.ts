import { describe, expect, it } from 'vitest';
import type { TagPlan } from '../../src/elements/tag/index.js';
import { PlanBuilder } from '../../src/plan/plan-builder.js';
import type { PlanNode } from '../../src/plan/plan-node.js';

const stats = { universe: () => 1_000_000 } as ConstructorParameters<typeof PlanBuilder>[0];

/** 20,000 interned tags (estimates out of order, so `and` sorts them). */
function leaves(builder: PlanBuilder): PlanNode[] {
  return Array.from({ length: 20_000 }, (_, i) =>
    builder.intern<TagPlan>({ kind: 'tag', key: `tag:${i}`, estimate: (i * 7919) % 20_000, name: `t${i}` }));
}

function drain(steps: Generator<void, PlanNode>): { node: PlanNode; yields: number } {
  let yields = 0;
  for (;;) {
    const next = steps.next();
    if (next.done) return { node: next.value, yields };
    yields++;
  }
}

describe('PlanBuilder on wide nodes', () => {
  it('builds a 20,000-child or and and in several steps (the planner may pause between), the same nodes', () => {
    const stepwise = new PlanBuilder(stats), whole = new PlanBuilder(stats);
    const kids = leaves(stepwise), wholeKids = leaves(whole);
    const or = drain(stepwise.orSteps(kids));
    expect(or.yields).toBeGreaterThanOrEqual(3);
    expect(or.node.key).toBe(whole.or(wholeKids).key);
    expect(stepwise.or(kids)).toBe(or.node); // interned: one object per key
    const and = drain(stepwise.andSteps(kids));
    expect(and.yields).toBeGreaterThanOrEqual(3);
    const wholeAnd = whole.and(wholeKids);
    expect(and.node.key).toBe(wholeAnd.key);
    expect((and.node as { children: PlanNode[] }).children.map((c) => c.key)).toEqual((wholeAnd as { children: PlanNode[] }).children.map((c) => c.key));
  });
});
