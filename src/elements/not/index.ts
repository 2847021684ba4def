import { Bitmap } from '../../index/bitmap.js';
import { checkAttributeNames } from '../../query/element-rules.js';
import type { ElementDefinition, PlanNodeDefinition } from '../definition.js';

export type { NotNode } from './node.js';

/** `<not>`: known customers for whom the one child does not hold. */
export const not = {
  read(el, ctx) {
    checkAttributeNames(el, []);
    return { kind: 'not', child: ctx.readChildren(el, 1, 1)[0]!, pos: el.pos };
  },
  children: (n) => [n.child],
  *lower(n, ctx) {
    return ctx.builder.not(yield* ctx.lower(n.child), n.pos);
  },
} satisfies ElementDefinition<'not'>;

export const notPlan = {
  children: (n) => [n.child],
  *compute(n, ctx) {
    return Bitmap.andNot(ctx.universe(), yield* ctx.input(n.child));
  },
  explain: () => 'known customers minus child',
} satisfies PlanNodeDefinition<'not'>;
