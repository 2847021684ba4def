import { ShandianError } from '../model/errors.js';
import { visitCondition, type BoughtNode, type ConditionNode, type SegmentNode } from '../query/ast/index.js';
import type { PlanNode } from './plan-node.js';
import type { PlanStats } from './plan-stats.js';
import { resolveWindow } from './resolve-window.js';
import { ORDER_DIMENSIONS, type DimensionFilters } from '../model/order-dimensions.js';

export interface PlanContext {
  asOfMs: number;
  tz: string;
  stats: PlanStats;
  /** the saved segment's AST; throws E_UNKNOWN_SEGMENT when there is none */
  loadSegment(name: string): SegmentNode;
}

/**
 * AST -> plan: expand refs (detecting cycles), resolve windows, flatten
 * and/or, turn `and` with `not` children into `andNot`, share equal
 * subtrees, and order AND children by estimated size (smallest first, so
 * intersections shrink early).
 */
export function planSegment(root: SegmentNode, ctx: PlanContext): PlanNode {
  const steps = planSteps(root, ctx);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Cooperative scheduling (engine/time-slice.ts): ask `due()` between steps, `await pause()` when true. */
export interface Pauser {
  due(): boolean;
  pause(): Promise<void>;
}

/**
 * planSegment in steps, giving the event loop a turn whenever `slice` says
 * the time budget is spent (between conditions; a 20,000-branch `<or>`
 * plans for over 100 ms). `slice.pause()` throws to stop (abort, deadline).
 */
export async function planSegmentCooperatively(root: SegmentNode, ctx: PlanContext, slice: Pauser): Promise<PlanNode> {
  const steps = planSteps(root, ctx);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (slice.due()) await slice.pause();
  }
}

/** The plan, yielding after every condition lowered (a point where a caller may pause). */
function* planSteps(root: SegmentNode, ctx: PlanContext): Generator<void, PlanNode> {
  const builder = new PlanBuilder(ctx);
  return builder.and(yield* builder.lowerAll(root.children, []), root.pos);
}

type Steps<T> = Generator<void, T>;

function* leaf<T>(value: T): Steps<T> {
  yield;
  return value;
}

class PlanBuilder {
  /** canonical key -> the one node with that key */
  private readonly interned = new Map<string, PlanNode>();
  /** interned node -> its number (composite keys are made of these) */
  private readonly ids = new Map<PlanNode, number>();

  constructor(private readonly ctx: PlanContext) {}

  *lowerAll(nodes: readonly ConditionNode[], refStack: readonly string[]): Steps<PlanNode[]> {
    const out: PlanNode[] = [];
    for (const c of nodes) out.push(yield* this.lower(c, refStack));
    return out;
  }

  lower(node: ConditionNode, refStack: readonly string[]): Steps<PlanNode> {
    const self = this;
    return visitCondition<Steps<PlanNode>>(node, {
      and: function* (n) {
        return self.and(yield* self.lowerAll(n.children, refStack), n.pos);
      },
      or: function* (n) {
        return self.or(yield* self.lowerAll(n.children, refStack), n.pos);
      },
      not: function* (n) {
        return self.not(yield* self.lower(n.child, refStack), n.pos);
      },
      bought: (n) => leaf(this.bought(n)),
      tag: (n) =>
        leaf(this.intern({ kind: 'tag', key: `tag(${JSON.stringify(n.name)})`, estimate: this.ctx.stats.tagHolders(n.name), pos: n.pos, name: n.name })),
      attr: (n) => {
        const key = `attr(${JSON.stringify(n.name)},${JSON.stringify(n.eq ?? null)},${JSON.stringify(n.range ?? null)},${n.exists ?? ''})`;
        const estimate = n.exists === false ? this.ctx.stats.universe() : this.ctx.stats.attributeHolders(n.name);
        return leaf(this.intern({ kind: 'attr', key, estimate, pos: n.pos, name: n.name, eq: n.eq, range: n.range, exists: n.exists }));
      },
      ref: function* (n) {
        if (refStack.includes(n.segment)) {
          throw new ShandianError('E_REF_CYCLE', `segment reference cycle: ${[...refStack, n.segment].join(' -> ')}`,
            n.pos, 'a saved segment cannot refer to itself, directly or through others');
        }
        let saved: SegmentNode;
        try {
          saved = self.ctx.loadSegment(n.segment);
        } catch (e) {
          throw e instanceof ShandianError && e.where.line === undefined ? e.at(n.pos) : e;
        }
        return self.and(yield* self.lowerAll(saved.children, [...refStack, n.segment]), n.pos);
      },
    });
  }

  private bought(n: BoughtNode): PlanNode {
    const { lo, hi } = resolveWindow(n, this.ctx.asOfMs, this.ctx.tz);
    const impossible =
      lo > hi ||
      (n.maxCount !== undefined && n.maxCount < n.minCount) ||
      (n.minAmountCents !== undefined && n.maxAmountCents !== undefined && n.minAmountCents > n.maxAmountCents);
    if (impossible) return this.empty(n.pos);
    const filters = Object.fromEntries(ORDER_DIMENSIONS.map((d) => [d.field, n[d.field]])) as DimensionFilters;
    const key =
      `bought(${ORDER_DIMENSIONS.map((d) => listKey(d.name, n[d.field])).join('')}` +
      `${lo},${hi},${n.minCount},${n.maxCount ?? ''},${n.minAmountCents ?? ''},${n.maxAmountCents ?? ''})`;
    const estimate = Math.min(this.ctx.stats.boughtRows(filters), this.ctx.stats.universe());
    return this.intern({ kind: 'bought', key, estimate, pos: n.pos, ...filters, lo, hi,
      minCount: n.minCount, maxCount: n.maxCount, minAmountCents: n.minAmountCents, maxAmountCents: n.maxAmountCents });
  }

  and(children: PlanNode[], pos?: PlanNode['pos']): PlanNode {
    const flat = dedupe(children.flatMap((c) => (c.kind === 'and' ? c.children : [c])));
    if (flat.some((c) => c.kind === 'empty')) return this.empty(pos);
    const positive = flat.filter((c) => c.kind !== 'not');
    const negated = flat.flatMap((c) => (c.kind === 'not' ? [c.child] : []));
    if (positive.length === 0) {
      // only negations: NOT (a OR b ...)
      return this.not(this.or(negated, pos), pos);
    }
    positive.sort((a, b) => a.estimate - b.estimate);
    const left: PlanNode =
      positive.length === 1
        ? positive[0]!
        : this.intern({ kind: 'and', key: `and(${this.sortedKeys(positive)})`, estimate: positive[0]!.estimate, pos, children: positive });
    if (negated.length === 0) return left;
    const remove = dedupe(negated.flatMap((c) => (c.kind === 'or' ? c.children : [c]))).filter((c) => c.kind !== 'empty');
    if (remove.length === 0) return left;
    return this.intern({ kind: 'andNot', key: `andNot(${this.keyOf(left)};${this.sortedKeys(remove)})`, estimate: left.estimate, pos, left, remove });
  }

  or(children: PlanNode[], pos?: PlanNode['pos']): PlanNode {
    const flat = dedupe(children.flatMap((c) => (c.kind === 'or' ? c.children : [c]))).filter((c) => c.kind !== 'empty');
    if (flat.length === 0) return this.empty(pos);
    if (flat.length === 1) return flat[0]!;
    const estimate = Math.min(this.ctx.stats.universe(), flat.reduce((n, c) => n + c.estimate, 0));
    return this.intern({ kind: 'or', key: `or(${this.sortedKeys(flat)})`, estimate, pos, children: flat });
  }

  not(child: PlanNode, pos?: PlanNode['pos']): PlanNode {
    if (child.kind === 'not') return child.child;
    return this.intern({ kind: 'not', key: `not(${this.keyOf(child)})`, estimate: this.ctx.stats.universe(), pos, child });
  }

  empty(pos?: PlanNode['pos']): PlanNode {
    return this.intern({ kind: 'empty', key: 'empty', estimate: 0, pos });
  }

  private intern<T extends PlanNode>(node: T): PlanNode {
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
  private sortedKeys(nodes: readonly PlanNode[]): string {
    const ids = new Float64Array(nodes.length);
    nodes.forEach((n, i) => (ids[i] = this.ids.get(n)!));
    return ids.sort().join(',');
  }

  private keyOf(node: PlanNode): string {
    return `#${this.ids.get(node)!}`;
  }
}

function listKey(name: string, values: readonly string[] | undefined): string {
  return values === undefined ? '' : `${name}=${JSON.stringify([...new Set(values)].sort())},`;
}


/** Interned nodes are shared objects, so identity is equality. */
function dedupe(nodes: PlanNode[]): PlanNode[] {
  return [...new Set(nodes)];
}
