import { ShandianError } from '../../model/errors.js';
import { checkAttributeNames, rejectContent, requireAttribute } from '../../query/element-rules.js';
import type { SegmentNode } from '../../query/ast/index.js';
import type { ElementDefinition } from '../definition.js';

export type { RefNode } from './node.js';

const NONE: readonly never[] = [];

/**
 * `<ref segment>`: a saved segment, evaluated with the referring query's
 * asOf and zone. It has no plan node: its conditions are planned in its place.
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
    let saved: SegmentNode;
    try {
      saved = ctx.loadSegment(n.segment);
    } catch (e) {
      throw e instanceof ShandianError && e.where.line === undefined ? e.at(n.pos) : e;
    }
    return yield* ctx.builder.andSteps(yield* ctx.withRef(n.segment).lowerAll(saved.children), n.pos);
  },
} satisfies ElementDefinition<'ref'>;
