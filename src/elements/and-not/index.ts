import { Bitmap } from '../../index/bitmap.js';
import type { PlanNodeDefinition } from '../definition.js';

/** `left AND NOT (any of remove)`: a plan node only, what the builder makes of an `<and>` with `<not>` children. */
export const andNotPlan = {
  children: (n) => [n.left, ...n.remove],
  *compute(n, ctx) {
    const left = yield* ctx.input(n.left);
    if (left.isEmpty) return new Bitmap();
    const result = left.clone();
    for (const r of n.remove) {
      result.andNotInPlace(yield* ctx.input(r));
      if (result.isEmpty) break;
    }
    return result;
  },
  explain: (n) => `keep first, remove the other ${n.remove.length}`,
  // a limit on the result holds for the left side, never for what is removed
  bounds: (n) => [n.left],
} satisfies PlanNodeDefinition<'andNot'>;
