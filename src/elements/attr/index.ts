import { Bitmap } from '../../index/bitmap.js';
import { leaf, type ElementDefinition, type EvalContext, type PlanNodeDefinition } from '../definition.js';
import type { AttrPlan } from './plan.js';
import { readAttr } from './read.js';

export type { AttrNode } from './node.js';
export type { AttrPlan } from './plan.js';

const NONE: readonly never[] = [];

/** `<attr>`: a customer attribute test by equality, numeric range and/or existence (all given must hold). */
export const attr = {
  read: readAttr,
  children: () => NONE,
  lower(n, ctx) {
    const key = `attr(${describe(n)})`;
    const estimate = n.exists === false ? ctx.stats.universe() : ctx.stats.attributeHolders(n.name);
    return leaf(ctx.builder.intern({ kind: 'attr', key, estimate, pos: n.pos, name: n.name, eq: n.eq, range: n.range, exists: n.exists }));
  },
} satisfies ElementDefinition<'attr'>;

export const attrPlan = {
  children: () => NONE,
  *compute(n, ctx) {
    return members(n, ctx);
  },
  explain: (n) => describe(n),
} satisfies PlanNodeDefinition<'attr'>;

/** name, eq list, range, exists: the test as JSON values (null where absent); the planner's key and explain's text. */
function describe(n: Pick<AttrPlan, 'name' | 'eq' | 'range' | 'exists'>): string {
  return `${JSON.stringify(n.name)},${JSON.stringify(n.eq ?? null)},${JSON.stringify(n.range ?? null)},${n.exists ?? ''}`;
}

/** All tests on the attribute must hold; `exists="false"` removes its holders. */
function members(node: AttrPlan, ctx: EvalContext): Bitmap {
  const index = ctx.shard.attributes.get(node.name);
  const onlyAbsence = node.exists === false && node.eq === undefined && node.range === undefined;
  if (!index) return onlyAbsence ? ctx.universe() : new Bitmap();
  let result: Bitmap | undefined;
  const narrow = (b: Bitmap) => (result = result === undefined ? b.clone() : Bitmap.and(result, b));
  if (node.eq !== undefined) narrow(index.equals(node.eq));
  if (node.range !== undefined) narrow(index.range(node.range));
  if (node.exists === true) narrow(index.exists());
  if (node.exists === false) return Bitmap.andNot(result ?? ctx.universe(), index.exists());
  return result ?? new Bitmap();
}
