import type { PlanNode } from './plan-node.js';
import type { PlanStats } from './plan-stats.js';

/**
 * Makes plan nodes: every node is interned (one object per key, so equal
 * subtrees are shared and evaluated once per shard), and the algebra
 * normalises as it builds: and/or are flattened, an `and` with `not`
 * children becomes `andNot`, double negation cancels, `empty` absorbs,
 * and AND children are ordered by estimated size (smallest first, so
 * intersections shrink early).
 */
export class PlanBuilder {
  /** canonical key -> the one node with that key */
  private readonly interned = new Map<string, PlanNode>();
  /** interned node -> its number (composite keys are made of these) */
  private readonly ids = new Map<PlanNode, number>();

  constructor(private readonly stats: PlanStats) {}

  and(children: PlanNode[], pos?: PlanNode['pos']): PlanNode {
    return finish(this.andSteps(children, pos));
  }

  or(children: PlanNode[], pos?: PlanNode['pos']): PlanNode {
    return finish(this.orSteps(children, pos));
  }

  /**
   * `and` in steps: the planner may pause between them (a 20,000-child
   * `and` flattens, sorts and keys in several milliseconds each). Same node
   * as `and`.
   */
  *andSteps(children: PlanNode[], pos?: PlanNode['pos']): Generator<void, PlanNode> {
    const flat = dedupe(children.flatMap((c) => (c.kind === 'and' ? c.children : [c])));
    if (flat.some((c) => c.kind === 'empty')) return this.empty(pos);
    const positive = flat.filter((c) => c.kind !== 'not');
    const negated = flat.flatMap((c) => (c.kind === 'not' ? [c.child] : []));
    if (positive.length === 0) {
      // only negations: NOT (a OR b ...)
      return this.not(yield* this.orSteps(negated, pos), pos);
    }
    if (positive.length > WIDE) yield;
    positive.sort((a, b) => a.estimate - b.estimate);
    if (positive.length > WIDE) yield;
    const left: PlanNode =
      positive.length === 1
        ? positive[0]!
        : this.intern({ kind: 'and', key: `and(${yield* this.sortedKeys(positive)})`, estimate: positive[0]!.estimate, pos, children: positive });
    if (negated.length === 0) return left;
    const remove = dedupe(negated.flatMap((c) => (c.kind === 'or' ? c.children : [c]))).filter((c) => c.kind !== 'empty');
    if (remove.length === 0) return left;
    return this.intern({ kind: 'andNot', key: `andNot(${this.keyOf(left)};${yield* this.sortedKeys(remove)})`, estimate: left.estimate, pos, left, remove });
  }

  /** `or` in steps (see andSteps). Same node as `or`. */
  *orSteps(children: PlanNode[], pos?: PlanNode['pos']): Generator<void, PlanNode> {
    const flat = dedupe(children.flatMap((c) => (c.kind === 'or' ? c.children : [c]))).filter((c) => c.kind !== 'empty');
    if (flat.length === 0) return this.empty(pos);
    if (flat.length === 1) return flat[0]!;
    if (flat.length > WIDE) yield;
    const estimate = Math.min(this.stats.universe(), flat.reduce((n, c) => n + c.estimate, 0));
    return this.intern({ kind: 'or', key: `or(${yield* this.sortedKeys(flat)})`, estimate, pos, children: flat });
  }

  not(child: PlanNode, pos?: PlanNode['pos']): PlanNode {
    if (child.kind === 'not') return child.child;
    return this.intern({ kind: 'not', key: `not(${this.keyOf(child)})`, estimate: this.stats.universe(), pos, child });
  }

  empty(pos?: PlanNode['pos']): PlanNode {
    return this.intern({ kind: 'empty', key: 'empty', estimate: 0, pos });
  }

  /** The one node with this node's key: the first one made (equal keys mean equal results). */
  intern<T extends PlanNode>(node: T): PlanNode {
    const existing = this.interned.get(node.key);
    if (existing) return existing;
    this.interned.set(node.key, node);
    this.ids.set(node, this.ids.size);
    return node;
  }

  /**
   * A canonical key for a set of interned nodes: their ids, sorted. Interned
   * nodes are one object per key, so equal ids mean equal subtrees, and a
   * 20,000-child `or` keys on 20,000 numbers instead of its children's text.
   */
  private *sortedKeys(nodes: readonly PlanNode[]): Generator<void, string> {
    const ids = new Float64Array(nodes.length);
    nodes.forEach((n, i) => (ids[i] = this.ids.get(n)!));
    if (nodes.length > WIDE) yield;
    ids.sort();
    if (nodes.length > WIDE) yield;
    return ids.join(',');
  }

  private keyOf(node: PlanNode): string {
    return `#${this.ids.get(node)!}`;
  }
}

/** From this many children a node is built in several steps (a pause may come between). */
const WIDE = 2048;

/** Runs steps to the end without pausing. */
function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Interned nodes are shared objects, so identity is equality. */
function dedupe(nodes: PlanNode[]): PlanNode[] {
  return [...new Set(nodes)];
}
