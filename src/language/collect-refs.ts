import type { ConditionNode, SegmentNode } from '../query/ast/index.js';
import { elementOf } from './registry.js';

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
    const element = elementOf(n);
    if (element.refersTo) names.add(element.refersTo(n));
    const children = element.children(n);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return [...names];
}
