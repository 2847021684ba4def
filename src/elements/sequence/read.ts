import { checkAttributeNames, misplaced, rejectText, requireAttribute } from '../../query/element-rules.js';
import { queryError } from '../../query/query-error.js';
import { FILTER_NAMES, readFilters } from '../../query/read-filters.js';
import { MAX_LAST_AMOUNT, parseLast, readWindow } from '../../query/read-window.js';
import type { XmlElement } from '../../query/xml-tree.js';
import type { SequenceNode, SequenceStepNode } from './node.js';

const ATTRIBUTES = ['within', 'from', 'to', 'last'];

/** Steps before the optional `<absent>` (contract 7.4). */
export const MAX_STEPS = 16;

/** What a step or absent may not carry, refused by name with a hint (the general message would only list the filters). */
const NOT_ON_STEPS = ['from', 'to', 'last', 'within', 'minCount', 'maxCount', 'minAmount', 'maxAmount', 'minQuantity', 'maxQuantity'];

/**
 * `<sequence within="N{h|d|w}" [from to | last]>` with `<step>` children and
 * an optional final `<absent>`. Refusals, in the order they are checked:
 * an unknown attribute (E_UNKNOWN_ATTRIBUTE), stray text, fewer than two
 * children (E_CHILD_COUNT), a child other than step/absent or an element
 * after `<absent>` or a second `<absent>` (E_UNKNOWN_ELEMENT, at that
 * child), more than 16 steps (E_CHILD_COUNT), within missing
 * (E_MISSING_ATTRIBUTE) or not N{h|d|w} with N >= 1 (E_BAD_DURATION), a bad
 * window (readWindow's codes), and a step's own mistakes (readStep).
 * With at least two children, absent last and at most once, there is
 * always at least one step before it.
 */
export function readSequence(el: XmlElement): SequenceNode {
  checkAttributeNames(el, ATTRIBUTES);
  rejectText(el);
  const n = el.children.length;
  if (n < 2) {
    throw queryError('E_CHILD_COUNT', `<sequence> needs at least 2 children (<step>s, then optionally one <absent>), found ${n}`, el.pos,
      'write two or more <step>s (A, then B), or one <step> and a final <absent> (A, and no B after it)');
  }
  const steps: SequenceStepNode[] = [];
  let absent: SequenceStepNode | undefined;
  for (const child of el.children) {
    if (child.name !== 'step' && child.name !== 'absent') throw misplaced(child, el, ['step', 'absent']);
    if (absent !== undefined) {
      throw queryError('E_UNKNOWN_ELEMENT', `<${child.name}> is not allowed after <absent> in <sequence>`, child.pos,
        child.name === 'absent' ? 'a <sequence> takes at most one <absent>; for several "none of", list the values inside it (<absent><sku>A</sku><sku>B</sku></absent>)' : '<absent> must be the last child of <sequence>: move it after the last <step>');
    }
    if (child.name === 'absent') absent = readStep(child);
    else steps.push(readStep(child));
  }
  if (steps.length > MAX_STEPS) {
    throw queryError('E_CHILD_COUNT', `<sequence> takes at most ${MAX_STEPS} <step>s, found ${steps.length}`, el.pos, `split the funnel: an <and> of two <sequence>s, each of at most ${MAX_STEPS} steps`);
  }
  const withinText = requireAttribute(el, 'within');
  const within = parseLast(withinText);
  if (within === undefined) {
    throw queryError('E_BAD_DURATION', `within="${withinText}" is not a duration`, el.pos,
      `write a whole number from 1 to ${MAX_LAST_AMOUNT} followed by h, d or w, e.g. within="30d": the longest time from the first step's order to the last step's`);
  }
  const window = readWindow(el);
  return { kind: 'sequence', steps, ...(absent !== undefined ? { absent } : {}), within, window, pos: el.pos };
}

/** A `<step>` or `<absent>`: `<bought>`'s filters (attributes or any-of children), nothing else. */
function readStep(el: XmlElement): SequenceStepNode {
  const misplacedAttr = NOT_ON_STEPS.find((a) => el.attrs.has(a));
  if (misplacedAttr !== undefined) {
    throw queryError('E_UNKNOWN_ATTRIBUTE', `<${el.name}> takes only filters (found ${misplacedAttr})`, el.pos,
      ['from', 'to', 'last', 'within'].includes(misplacedAttr)
        ? `put ${misplacedAttr} on the <sequence>: its window limits every step, its within spans them all`
        : `a step is one order; to count or sum orders, put a <bought ${misplacedAttr}="..."/> beside the <sequence> in an <and>`);
  }
  checkAttributeNames(el, FILTER_NAMES);
  rejectText(el);
  return { ...readFilters(el), pos: el.pos };
}
