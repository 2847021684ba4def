import type { ConditionNode, SegmentNode } from './ast/index.js';

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
    if (n.kind === 'ref') names.add(n.segment);
    else if (n.kind === 'and' || n.kind === 'or') for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    else if (n.kind === 'not') stack.push(n.child);
  }
  return [...names];
}
