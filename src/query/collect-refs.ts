import { visitCondition, type ConditionNode, type ConditionVisitor, type SegmentNode } from './ast/index.js';

/**
 * Names of the saved segments a query refers to, in document order, each
 * once. The engine follows these to find unknown names and cycles. Iterative,
 * so any tree the parser accepts is safe to walk.
 */
export function collectRefs(node: SegmentNode): string[] {
  const names = new Set<string>();
  const stack: ConditionNode[] = [...node.children].reverse();
  while (stack.length > 0) {
    const n = stack.pop()!;
    const ref = visitCondition(n, REF);
    if (ref !== undefined) names.add(ref);
    const children = visitCondition(n, CHILDREN);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return [...names];
}

const none = (): undefined => undefined;
const leaf = (): readonly ConditionNode[] => [];

/** The saved segment a node names, if it is a reference. */
const REF: ConditionVisitor<string | undefined> = { ref: (n) => n.segment, and: none, or: none, not: none, bought: none, tag: none, attr: none };

/** The conditions inside a node. */
const CHILDREN: ConditionVisitor<readonly ConditionNode[]> = {
  and: (n) => n.children,
  or: (n) => n.children,
  not: (n) => [n.child],
  bought: leaf,
  tag: leaf,
  attr: leaf,
  ref: leaf,
};
