import type { SegmentNode } from '../query/ast/index.js';
import { TUNING } from '../model/defaults.js';

/**
 * A query AST as a flat pre-order list, so it can cross threads in batches
 * (engine/parse-worker.ts) and be rebuilt a batch at a time: each event is a
 * node without its `children` / `child`, and how many children follow.
 */
export interface AstEvent {
  node: Record<string, unknown>;
  /** children that follow (in `children`), or -1 for a single `child` */
  children: number;
}

/** Nodes a message carries: a few milliseconds to deserialise and rebuild. */
export const EVENTS_PER_MESSAGE = TUNING.PARSE_EVENTS_PER_MESSAGE;

type AnyNode = Record<string, unknown> & { children?: readonly AnyNode[]; child?: AnyNode };

export function* preOrder(root: SegmentNode): Generator<AstEvent> {
  const stack: AnyNode[] = [root as unknown as AnyNode];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const { children, child, ...rest } = n;
    if (children !== undefined) {
      yield { node: rest, children: children.length };
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    } else if (child !== undefined) {
      yield { node: rest, children: -1 };
      stack.push(child);
    } else {
      yield { node: rest, children: 0 };
    }
  }
}

/** Rebuilds the tree from its pre-order events, batch by batch. */
export class AstBuilder {
  private root: AnyNode | undefined;
  private readonly open: { node: AnyNode; left: number; single: boolean }[] = [];

  add(events: readonly AstEvent[]): void {
    for (const { node, children } of events) {
      const n = node as AnyNode;
      if (children > 0) (n as { children: AnyNode[] }).children = [];
      else if (children === 0 && !('kind' in n && LEAF_KINDS.has(n.kind as string))) (n as { children: AnyNode[] }).children = [];
      const top = this.open[this.open.length - 1];
      if (top) {
        if (top.single) (top.node as { child: AnyNode }).child = n;
        else (top.node.children as AnyNode[]).push(n);
        if (--top.left === 0) this.open.pop();
      } else {
        this.root = n;
      }
      if (children !== 0) this.open.push({ node: n, left: children === -1 ? 1 : children, single: children === -1 });
    }
  }

  /** The tree, or undefined when the events did not make a whole one. */
  get result(): SegmentNode | undefined {
    if (!this.root || this.open.length > 0) return undefined;
    return this.root as unknown as SegmentNode;
  }
}

/** Nodes that never have children (an `and`/`or`/segment with none keeps an empty list). */
const LEAF_KINDS = new Set(['bought', 'tag', 'attr', 'ref', 'firstOrder', 'lastOrder', 'sample', 'sequence', 'score']);
