import { checkAttributeNames, rejectContent, requireAttribute } from '../../query/element-rules.js';
import { leaf, type ElementDefinition, type PlanNodeDefinition } from '../definition.js';

export type { TagNode } from './node.js';
export type { TagPlan } from './plan.js';

const NONE: readonly never[] = [];

/** `<tag name>`: customers holding the tag. */
export const tag = {
  read(el) {
    checkAttributeNames(el, ['name']);
    rejectContent(el);
    return { kind: 'tag', name: requireAttribute(el, 'name'), pos: el.pos };
  },
  children: () => NONE,
  lower: (n, ctx) =>
    leaf(ctx.builder.intern({ kind: 'tag', key: `tag(${JSON.stringify(n.name)})`, estimate: ctx.stats.tagHolders(n.name), pos: n.pos, name: n.name })),
} satisfies ElementDefinition<'tag'>;

export const tagPlan = {
  children: () => NONE,
  *compute(n, ctx) {
    // cloned: the index keeps changing under later appends, results must not
    return ctx.shard.tags.holders(ctx.catalog.tags.lookup(n.name)).clone();
  },
  explain: (n) => `name=${n.name}`,
} satisfies PlanNodeDefinition<'tag'>;
