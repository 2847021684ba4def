import type { PlanNode } from '../plan/plan-node.js';
import { planChildren as children, planDefinitionOf } from './registry.js';

/**
 * Semi-join pushdown. In `and(tag, attr, bought)` only customers that pass
 * the tag and the attribute can be members, and those two come straight
 * from bitmap indexes, so the `<bought>` scan can skip everyone else before
 * it touches a per-customer counter: a row costs a bit test in a small,
 * cached bitset instead of a miss in an array sized by the shard's customers.
 *
 * For each `<bought>` that may be restricted (a node whose definition
 * `takes` bounds), this returns the nodes whose intersection bounds it: the
 * `<bought>`-free siblings of every `and` above it. The path from that `and`
 * down to the `<bought>` goes only through the inputs each node passes
 * bounds to (`or` children and `andNot` left sides, which distribute over
 * the intersection) and through nodes used once: a shared subtree (equal
 * subtrees are one object) is evaluated once for all its parents, so it is
 * never restricted by one of them.
 *
 * A restricted result is its true result intersected with the candidates;
 * the enclosing `and` intersects with them anyway, so the query's answer
 * is the same. Only the per-node `actual` counts of explain shrink.
 */
export function candidateSources(plan: PlanNode): ReadonlyMap<PlanNode, readonly PlanNode[]> {
  let cached = cache.get(plan);
  if (!cached) cache.set(plan, (cached = find(plan)));
  return cached;
}

const cache = new WeakMap<PlanNode, ReadonlyMap<PlanNode, readonly PlanNode[]>>();

function find(plan: PlanNode): Map<PlanNode, PlanNode[]> {
  const uses = countUses(plan);
  const hasBought = new Map<PlanNode, boolean>();
  const containsBought = (n: PlanNode): boolean => {
    let v = hasBought.get(n);
    if (v === undefined) hasBought.set(n, (v = children(n).some(containsBought) || takesBounds(n)));
    return v;
  };
  const out = new Map<PlanNode, PlanNode[]>();
  const visited = new Set<PlanNode>();

  // pushes `bounds` down from an `and` to the <bought> nodes it may restrict
  const push = (node: PlanNode, bounds: readonly PlanNode[]): void => {
    if (uses.get(node) !== 1) return;
    const passes = planDefinitionOf(node).bounds;
    if (passes === 'takes') out.set(node, [...(out.get(node) ?? []), ...bounds]);
    // an `and` passes them to all its children; its own free children are added when the walk reaches it
    else if (passes) passes(node).forEach((c) => push(c, bounds));
  };

  const walk = (node: PlanNode): void => {
    if (visited.has(node)) return;
    visited.add(node);
    if (node.kind === 'and') {
      const free = node.children.filter((c) => !containsBought(c));
      if (free.length > 0) for (const c of node.children) if (containsBought(c)) push(c, free);
    }
    children(node).forEach(walk);
  };
  walk(plan);
  return out;
}

/** How many parent edges reach each node (the root counts as one use). */
function countUses(plan: PlanNode): Map<PlanNode, number> {
  const uses = new Map<PlanNode, number>([[plan, 1]]);
  const seen = new Set<PlanNode>();
  const walk = (n: PlanNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const c of children(n)) {
      uses.set(c, (uses.get(c) ?? 0) + 1);
      walk(c);
    }
  };
  walk(plan);
  return uses;
}

function takesBounds(n: PlanNode): boolean {
  return planDefinitionOf(n).bounds === 'takes';
}
