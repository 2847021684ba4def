import { Bitmap } from '../../index/bitmap.js';
import { checkAttributeNames } from '../../query/element-rules.js';
import type { ElementDefinition, PlanNodeDefinition } from '../definition.js';

export type { AndNode } from './node.js';

/** `<and>`: every child holds. Lowered by the builder (flattened; `not` children make an andNot). */
export const and = {
  read(el, ctx) {
    checkAttributeNames(el, []);
    return { kind: 'and', children: ctx.readChildren(el, 1), pos: el.pos };
  },
  children: (n) => n.children,
  *lower(n, ctx) {
    return yield* ctx.builder.andSteps(yield* ctx.lowerAll(n.children), n.pos);
  },
} satisfies ElementDefinition<'and'>;

/** The intersection of the children, which are ordered smallest estimate first; stops once empty. */
export const andPlan = {
  children: (n) => n.children,
  *compute(n, ctx) {
    let acc: Bitmap | undefined;
    for (const child of n.children) {
      const b = yield* ctx.input(child);
      acc = acc === undefined ? Bitmap.and(b, b) : (acc.andInPlace(b), acc);
      if (acc.isEmpty) break;
    }
    return acc ?? new Bitmap();
  },
  explain: () => '',
  // a limit on an intersection holds for each child (its own <bought>-free children are added by the walk)
  bounds: (n) => n.children,
} satisfies PlanNodeDefinition<'and'>;
