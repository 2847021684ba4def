import type { LiveMemberships, LowerContext, Steps } from '../elements/definition.js';
import { PlanBuilder } from '../plan/plan-builder.js';
import type { PlanNode } from '../plan/plan-node.js';
import type { PlanStats } from '../plan/plan-stats.js';
import type { ConditionNode, SegmentNode } from '../query/ast/index.js';
import { elementOf } from './registry.js';

export interface PlanContext {
  asOfMs: number;
  tz: string;
  stats: PlanStats;
  /** the saved segment's AST; throws E_UNKNOWN_SEGMENT when there is none */
  loadSegment(name: string): SegmentNode;
  /** live segments whose kept membership may answer `<ref>` (a query's plan; never a live segment's own evaluation) */
  live?: LiveMemberships;
}

/**
 * AST -> plan: each condition is lowered by its element (refs expand, with
 * cycles detected; windows resolve), and the PlanBuilder flattens and/or,
 * turns `and` with `not` children into `andNot`, shares equal subtrees and
 * orders AND children by estimated size (smallest first, so intersections
 * shrink early).
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
  const lowering = new Lowering(ctx, new PlanBuilder(ctx.stats), []);
  return yield* lowering.builder.andSteps(yield* lowering.lowerAll(root.children), root.pos);
}

/** The planner as the elements see it, inside the saved segments of `refStack`. */
class Lowering implements LowerContext {
  readonly stats: PlanStats;
  readonly asOfMs: number;
  readonly tz: string;
  readonly live: LiveMemberships | undefined;

  constructor(
    private readonly ctx: PlanContext,
    readonly builder: PlanBuilder,
    readonly refStack: readonly string[],
  ) {
    this.stats = ctx.stats;
    this.asOfMs = ctx.asOfMs;
    this.tz = ctx.tz;
    this.live = ctx.live;
  }

  loadSegment(name: string): SegmentNode {
    return this.ctx.loadSegment(name);
  }

  lower(node: ConditionNode): Steps<PlanNode> {
    return elementOf(node).lower(node, this);
  }

  *lowerAll(nodes: readonly ConditionNode[]): Steps<PlanNode[]> {
    const out: PlanNode[] = [];
    for (const c of nodes) out.push(yield* this.lower(c));
    return out;
  }

  withRef(name: string): LowerContext {
    return new Lowering(this.ctx, this.builder, [...this.refStack, name]);
  }
}
