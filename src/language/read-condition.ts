import type { ReadContext } from '../elements/definition.js';
import type { ConditionKind, ConditionNode } from '../query/ast/index.js';
import { misplaced, rejectText } from '../query/element-rules.js';
import { queryError } from '../query/query-error.js';
import type { XmlElement } from '../query/xml-tree.js';
import { ELEMENTS, isConditionElement } from './registry.js';

/** Elements that may stand wherever a condition is expected. */
export const CONDITION_ELEMENTS = Object.keys(ELEMENTS) as readonly ConditionKind[];

const context: ReadContext = { readChildren: readConditionChildren };

export function readCondition(el: XmlElement): ConditionNode {
  // readConditionChildren reports misplaced elements (with the parent's
  // context) before getting here; this guards direct callers.
  if (!isConditionElement(el.name)) {
    throw queryError('E_UNKNOWN_ELEMENT', `unknown element <${el.name}>`, el.pos, `conditions are ${CONDITION_ELEMENTS.map((c) => `<${c}>`).join(', ')}`);
  }
  return ELEMENTS[el.name].read(el, context);
}

/**
 * Children of a combinator or of `<segment>`: conditions only, between `min`
 * and `max` of them. The count is checked first so that an empty `<and>` says
 * so rather than complaining about what is missing inside it.
 */
export function readConditionChildren(el: XmlElement, min: number, max = Infinity): ConditionNode[] {
  rejectText(el);
  const n = el.children.length;
  if (n < min || n > max) {
    const wanted = max === min ? `exactly ${min}` : `at least ${min}`;
    throw queryError('E_CHILD_COUNT', `<${el.name}> needs ${wanted} child condition(s), found ${n}`, el.pos, childCountHint(el.name));
  }
  const conditions: ConditionNode[] = [];
  for (const child of el.children) {
    if (!isConditionElement(child.name)) throw misplaced(child, el, CONDITION_ELEMENTS);
    conditions.push(readCondition(child));
  }
  return conditions;
}

function childCountHint(name: string): string {
  if (name === 'not') return 'put exactly one condition inside <not>; wrap several in <and> or <or>';
  return `put at least one condition inside <${name}>`;
}
