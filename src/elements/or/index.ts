import { Bitmap } from '../../index/bitmap.js';
import { checkAttributeNames } from '../../query/element-rules.js';
import type { ElementDefinition, PlanNodeDefinition } from '../definition.js';
import { TUNING } from '../../model/defaults.js';

export type { OrNode } from './node.js';

/** An OR of more children than this is unioned in batches of this many (a pause may come between). */
const OR_BATCH = TUNING.OR_BATCH;

/** `<or>`: at least one child holds. */
export const or = {
  read(el, ctx) {
    checkAttributeNames(el, []);
    return { kind: 'or', children: ctx.readChildren(el, 1), pos: el.pos };
  },
  children: (n) => n.children,
  *lower(n, ctx) {
    return yield* ctx.builder.orSteps(yield* ctx.lowerAll(n.children), n.pos);
  },
} satisfies ElementDefinition<'or'>;

export const orPlan = {
  children: (n) => n.children,
  *compute(n, ctx) {
    if (n.children.length <= OR_BATCH) {
      const parts: Bitmap[] = [];
      for (const c of n.children) parts.push(yield* ctx.input(c));
      return Bitmap.orMany(parts);
    }
    // a wide OR is folded in batches, so no one step unions thousands of bitmaps
    const acc = new Bitmap();
    let parts: Bitmap[] = [];
    for (const c of n.children) {
      parts.push(yield* ctx.input(c));
      if (parts.length === OR_BATCH) acc.orInPlace(Bitmap.orMany(parts)), (parts = []);
    }
    if (parts.length > 0) acc.orInPlace(Bitmap.orMany(parts));
    return acc;
  },
  explain: () => '',
  // a limit on a union holds for each child
  bounds: (n) => n.children,
} satisfies PlanNodeDefinition<'or'>;
