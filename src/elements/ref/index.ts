import { ShandianError } from '../../model/errors.js';
import { checkAttributeNames, rejectContent, requireAttribute } from '../../query/element-rules.js';
import type { SegmentNode } from '../../query/ast/index.js';
import { leaf, type ElementDefinition, type PlanNodeDefinition } from '../definition.js';

export type { RefNode } from './node.js';
export type { LiveRefPlan } from './plan.js';

const NONE: readonly never[] = [];

/**
 * `<ref segment>`: a saved segment, evaluated with the referring query's
 * asOf and zone: its conditions are planned in its place. A live segment
 * when the query's asOf is now and its zone is the segment's: its kept
 * membership (plan node liveRef, contract 8.3).
 */
export const ref = {
  read(el) {
    checkAttributeNames(el, ['segment']);
    rejectContent(el);
    return { kind: 'ref', segment: requireAttribute(el, 'segment'), pos: el.pos };
  },
  children: () => NONE,
  refersTo: (n) => n.segment,
  *lower(n, ctx) {
    if (ctx.refStack.includes(n.segment)) {
      throw new ShandianError('E_REF_CYCLE', `segment reference cycle: ${[...ctx.refStack, n.segment].join(' -> ')}`,
        n.pos, 'a saved segment cannot refer to itself, directly or through others');
    }
    const kept = ctx.live && ctx.asOfMs === ctx.live.nowMs ? ctx.live.kept(n.segment) : undefined;
    if (kept && kept.tz === ctx.tz) {
      return yield* leaf(ctx.builder.intern({ kind: 'liveRef', key: `liveRef(${JSON.stringify(n.segment)})`, estimate: kept.size(), pos: n.pos, segment: n.segment, kept }));
    }
    let saved: SegmentNode;
    try {
      saved = ctx.loadSegment(n.segment);
    } catch (e) {
      throw e instanceof ShandianError && e.where.line === undefined ? e.at(n.pos) : e;
    }
    return yield* ctx.builder.andSteps(yield* ctx.withRef(n.segment).lowerAll(saved.children), n.pos);
  },
} satisfies ElementDefinition<'ref'>;

/** A live segment's kept members on the shard (never mutated: returned as they are). */
export const liveRefPlan = {
  children: () => NONE,
  *compute(n, ctx) {
    return n.kept.members(ctx.shard);
  },
  explain: (n) => `segment=${n.segment} from kept membership`,
} satisfies PlanNodeDefinition<'liveRef'>;
