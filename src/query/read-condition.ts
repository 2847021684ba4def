import type { ConditionNode } from './ast/index.js';
import { checkAttributeNames, misplaced, rejectContent, rejectText, requireAttribute } from './element-rules.js';
import { queryError } from './query-error.js';
import { readAttr } from './read-attr.js';
import { readBought } from './read-bought.js';
import type { XmlElement } from './xml-tree.js';

/** Elements that may stand wherever a condition is expected. */
export const CONDITION_ELEMENTS = ['and', 'or', 'not', 'bought', 'tag', 'attr', 'ref'] as const;

export function readCondition(el: XmlElement): ConditionNode {
  switch (el.name) {
    case 'and':
    case 'or':
      checkAttributeNames(el, []);
      return { kind: el.name, children: readConditionChildren(el, 1), pos: el.pos };
    case 'not':
      checkAttributeNames(el, []);
      return { kind: 'not', child: readConditionChildren(el, 1, 1)[0]!, pos: el.pos };
    case 'bought':
      return readBought(el);
    case 'attr':
      return readAttr(el);
    case 'tag':
      checkAttributeNames(el, ['name']);
      rejectContent(el);
      return { kind: 'tag', name: requireAttribute(el, 'name'), pos: el.pos };
    case 'ref':
      checkAttributeNames(el, ['segment']);
      rejectContent(el);
      return { kind: 'ref', segment: requireAttribute(el, 'segment'), pos: el.pos };
    default:
      // readConditionChildren reports misplaced elements (with the parent's
      // context) before getting here; this guards direct callers.
      throw queryError('E_UNKNOWN_ELEMENT', `unknown element <${el.name}>`, el.pos, `conditions are ${CONDITION_ELEMENTS.map((c) => `<${c}>`).join(', ')}`);
  }
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
    if (!(CONDITION_ELEMENTS as readonly string[]).includes(child.name)) throw misplaced(child, el, CONDITION_ELEMENTS);
    conditions.push(readCondition(child));
  }
  return conditions;
}

function childCountHint(name: string): string {
  if (name === 'not') return 'put exactly one condition inside <not>; wrap several in <and> or <or>';
  return `put at least one condition inside <${name}>`;
}
