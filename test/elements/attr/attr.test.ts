import { describe, expect, it } from 'vitest';
import { attrPlan } from '../../../src/elements/attr/index.js';
import type { AttrPlan } from '../../../src/elements/attr/plan.js';
import { toExplainNode } from '../../../src/engine/explain-node.js';
import { parseSegment } from '../../../src/language/parse-segment.js';
import { planSegment } from '../../../src/language/plan-segment.js';

const stats = { universe: () => 100, boughtRows: () => 10, tagHolders: () => 5, attributeHolders: () => 7 };

function planOf(xml: string) {
  return planSegment(parseSegment(xml), { asOfMs: 0, tz: 'UTC', stats, loadSegment: () => { throw new Error('no refs here'); } });
}

describe('<attr>', () => {
  it('keys its plan node by name, values, range and existence', () => {
    const p = planOf('<segment><attr name="age" gte="18" lt="65"><value>x</value></attr></segment>');
    expect(p.kind).toBe('attr');
    expect(p.key).toBe('attr("age",["x"],{"gte":18,"lt":65},)');
  });

  it('explains from the node\'s fields, the same text as its key holds', () => {
    const p = planOf('<segment><attr name="city" eq="Hangzhou" exists="true"/></segment>') as AttrPlan;
    expect(toExplainNode(p, new Map()).detail).toBe('"city",["Hangzhou"],null,true');
    // a node whose key says something else (the key is the planner's business): the fields win
    const handMade: AttrPlan = { kind: 'attr', key: 'attr:whatever', estimate: 0, name: 'vip', exists: false };
    expect(attrPlan.explain(handMade, { actual: 0, timeMs: 0 })).toBe('"vip",null,null,false');
  });
});
