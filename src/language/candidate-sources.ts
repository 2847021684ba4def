import type { PlanNode } from '../plan/plan-node.js';
import { planChildren as children, planDefinitionOf } from './registry.js';
import { TUNING } from '../model/defaults.js';

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
  if (!cached) cache.set(plan, (cached = finish(find(plan))));
  return cached;
}

/**
 * candidateSources in steps (a 20,000-branch plan takes milliseconds to
 * walk, a few times): yields every WALK_STEP nodes, a point where the
 * caller may pause; the result is cached for candidateSources.
 */
export function* candidateSourceSteps(plan: PlanNode): Generator<void, ReadonlyMap<PlanNode, readonly PlanNode[]>> {
  let cached = cache.get(plan);
  if (!cached) {
    const found = yield* find(plan);
    if (!(cached = cache.get(plan))) cache.set(plan, (cached = found));
  }
  return cached;
}

const cache = new WeakMap<PlanNode, ReadonlyMap<PlanNode, readonly PlanNode[]>>();

/** Walks yield after this many nodes. */
const WALK_STEP = TUNING.PLAN_WALK_STEP;

type Steps<T> = Generator<void, T>;

/** The same walks as the recursive definition (depth first, children in order), with explicit stacks. */
function* find(plan: PlanNode): Steps<Map<PlanNode, PlanNode[]>> {
  const { uses, hasBought } = yield* countUses(plan);
  const containsBought = (n: PlanNode): boolean => hasBought.get(n)!;
  const out = new Map<PlanNode, PlanNode[]>();
  const visited = new Set<PlanNode>();
  let steps = 0;

  // pushes `bounds` down from an `and` to the <bought> nodes it may restrict
  function* push(node: PlanNode, bounds: readonly PlanNode[]): Steps<void> {
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (++steps % WALK_STEP === 0) yield;
      if (uses.get(n) !== 1) continue;
      const passes = planDefinitionOf(n).bounds;
      if (passes === 'takes') out.set(n, [...(out.get(n) ?? []), ...bounds]);
      // an `and` passes them to all its children; its own free children are added when the walk reaches it
      else if (passes) {
        const next = passes(n);
        for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
      }
    }
  }

  const stack = [plan];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visited.has(node)) continue;
    visited.add(node);
    if (++steps % WALK_STEP === 0) yield;
    if (node.kind === 'and') {
      const free = node.children.filter((c) => !containsBought(c));
      if (free.length > 0) for (const c of node.children) if (containsBought(c)) yield* push(c, free);
    }
    const next = children(node);
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return out;
}

/**
 * How many parent edges reach each node (the root counts as one use), and
 * whether a `<bought>` (a node that takes bounds) is in its subtree.
 */
function* countUses(plan: PlanNode): Steps<{ uses: Map<PlanNode, number>; hasBought: Map<PlanNode, boolean> }> {
  const uses = new Map<PlanNode, number>([[plan, 1]]);
  const hasBought = new Map<PlanNode, boolean>();
  const expanded = new Set<PlanNode>();
  // post-order: a node is finished after its children; a shared node is
  // expanded once (its parent edges counted once each), later entries skipped
  const stack: { node: PlanNode; open: boolean }[] = [{ node: plan, open: false }];
  let steps = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const kids = children(top.node);
    if (!top.open) {
      if (expanded.has(top.node)) {
        stack.pop(); // finished through another parent (a DAG has no path back to an open node)
        continue;
      }
      expanded.add(top.node);
      top.open = true;
      for (const c of kids) {
        uses.set(c, (uses.get(c) ?? 0) + 1);
        if (!expanded.has(c)) stack.push({ node: c, open: false });
      }
      if (++steps % WALK_STEP === 0) yield;
      continue;
    }
    stack.pop();
    hasBought.set(top.node, takesBounds(top.node) || kids.some((c) => hasBought.get(c)!));
  }
  return { uses, hasBought };
}

/** Runs steps to the end without pausing. */
function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

function takesBounds(n: PlanNode): boolean {
  return planDefinitionOf(n).bounds === 'takes';
}
