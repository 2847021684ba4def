import type { ConditionNode } from './ast/index.js';
import { checkAttributeNames, misplaced, rejectContent, rejectText, requireAttribute } from './element-rules.js';
import { queryError } from './query-error.js';
import { readAttr } from './read-attr.js';
import { readBought } from './read-bought.js';
import type { XmlElement } from './xml-tree.js';

type ConditionKind = ConditionNode['kind'];

/** One reader per condition element, keyed by its element name (= its kind). */
const READERS: { readonly [K in ConditionKind]: (el: XmlElement) => Extract<ConditionNode, { kind: K }> } = {
  and: (el) => {
    checkAttributeNames(el, []);
    return { kind: 'and', children: readConditionChildren(el, 1), pos: el.pos };
  },
  or: (el) => {
    checkAttributeNames(el, []);
    return { kind: 'or', children: readConditionChildren(el, 1), pos: el.pos };
  },
  not: (el) => {
    checkAttributeNames(el, []);
    return { kind: 'not', child: readConditionChildren(el, 1, 1)[0]!, pos: el.pos };
  },
  bought: readBought,
  tag: (el) => {
    checkAttributeNames(el, ['name']);
    rejectContent(el);
    return { kind: 'tag', name: requireAttribute(el, 'name'), pos: el.pos };
  },
  attr: readAttr,
  ref: (el) => {
    checkAttributeNames(el, ['segment']);
    rejectContent(el);
    return { kind: 'ref', segment: requireAttribute(el, 'segment'), pos: el.pos };
  },
};

/** Elements that may stand wherever a condition is expected. */
export const CONDITION_ELEMENTS = Object.keys(READERS) as readonly ConditionKind[];

function isCondition(name: string): name is ConditionKind {
  return Object.hasOwn(READERS, name);
}

export function readCondition(el: XmlElement): ConditionNode {
  // readConditionChildren reports misplaced elements (with the parent's
  // context) before getting here; this guards direct callers.
  if (!isCondition(el.name)) {
    throw queryError('E_UNKNOWN_ELEMENT', `unknown element <${el.name}>`, el.pos, `conditions are ${CONDITION_ELEMENTS.map((c) => `<${c}>`).join(', ')}`);
  }
  return READERS[el.name](el);
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
    if (!isCondition(child.name)) throw misplaced(child, el, CONDITION_ELEMENTS);
    conditions.push(readCondition(child));
  }
  return conditions;
}

function childCountHint(name: string): string {
  if (name === 'not') return 'put exactly one condition inside <not>; wrap several in <and> or <or>';
  return `put at least one condition inside <${name}>`;
}
