import { and, andPlan } from '../elements/and/index.js';
import { andNotPlan } from '../elements/and-not/index.js';
import { attr, attrPlan } from '../elements/attr/index.js';
import { bought, boughtPlan } from '../elements/bought/index.js';
import type { ElementDefinition, PlanNodeDefinition } from '../elements/definition.js';
import { emptyPlan } from '../elements/empty/index.js';
import { firstOrder, firstOrderPlan, lastOrder, lastOrderPlan } from '../elements/first-last-order/index.js';
import { not, notPlan } from '../elements/not/index.js';
import { or, orPlan } from '../elements/or/index.js';
import { liveRefPlan, ref } from '../elements/ref/index.js';
import { sample, samplePlan } from '../elements/sample/index.js';
import { score, scorePlan } from '../elements/score/index.js';
import { sequence, sequencePlan } from '../elements/sequence/index.js';
import { tag, tagPlan } from '../elements/tag/index.js';
import type { PlanKind, PlanNode } from '../plan/plan-node.js';
import type { ConditionKind, ConditionNode } from '../query/ast/index.js';

/**
 * Every query element, by name (= its AST kind), in the order the error
 * messages list them. Each element's folder adds its node type to
 * ConditionNodes; this table must then hold its definition (and nothing
 * else), or the program does not compile.
 */
export const ELEMENTS = {
  and,
  or,
  not,
  bought,
  tag,
  attr,
  ref,
  firstOrder,
  lastOrder,
  sample,
  score,
  sequence,
} as const satisfies { readonly [K in ConditionKind]: ElementDefinition<K> };

/** Every plan node kind (PlanNodes: the builder's algebra and the elements' own). */
export const PLAN_NODES = {
  and: andPlan,
  or: orPlan,
  andNot: andNotPlan,
  not: notPlan,
  empty: emptyPlan,
  bought: boughtPlan,
  tag: tagPlan,
  attr: attrPlan,
  firstOrder: firstOrderPlan,
  lastOrder: lastOrderPlan,
  sample: samplePlan,
  score: scorePlan,
  sequence: sequencePlan,
  liveRef: liveRefPlan,
} as const satisfies { readonly [K in PlanKind]: PlanNodeDefinition<K> };

/** The definition of a node's element (the tables are keyed by kind, so the pair always matches). */
export function elementOf(node: ConditionNode): ElementDefinition<ConditionKind> {
  return ELEMENTS[node.kind] as ElementDefinition<ConditionKind>;
}

export function planDefinitionOf(node: PlanNode): PlanNodeDefinition<PlanKind> {
  return PLAN_NODES[node.kind] as PlanNodeDefinition<PlanKind>;
}

export function isConditionElement(name: string): name is ConditionKind {
  return Object.hasOwn(ELEMENTS, name);
}

/** The node's inputs, in evaluation order. */
export function planChildren(node: PlanNode): readonly PlanNode[] {
  return planDefinitionOf(node).children(node);
}
