import type { StatsByNode } from '../exec/node-stats.js';
import type { PlanNode } from '../plan/plan-node.js';
import { planDefinitionOf } from '../language/registry.js';

/** One line of `explain`: a plan node with its estimate and what it actually did. */
export interface ExplainNode {
  op: string;
  detail: string;
  estimate: number;
  /** customers produced, summed over shards */
  actual: number;
  /** time spent in this node and below, summed over shards */
  timeMs: number;
  /** where in the query (or the referenced segment) the node came from */
  line?: number;
  column?: number;
  children: ExplainNode[];
}

/** The plan as explain shows it: each node's detail is its kind's own text (src/elements/<name>/). */
export function toExplainNode(node: PlanNode, stats: StatsByNode): ExplainNode {
  const s = stats.get(node) ?? { actual: 0, timeMs: 0 };
  const definition = planDefinitionOf(node);
  return {
    op: node.kind,
    estimate: node.estimate,
    actual: s.actual,
    timeMs: round(s.timeMs),
    line: node.pos?.line,
    column: node.pos?.column,
    detail: definition.explain(node, s),
    children: definition.children(node).map((c) => toExplainNode(c, stats)),
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Indented text tree for the CLI. */
export function renderExplain(node: ExplainNode, indent = ''): string {
  const where = node.line !== undefined ? ` @${node.line}:${node.column}` : '';
  const line = `${indent}${node.op}${node.detail ? ` (${node.detail})` : ''}  est=${node.estimate} actual=${node.actual} time=${node.timeMs}ms${where}`;
  return [line, ...node.children.map((c) => renderExplain(c, indent + '  '))].join('\n');
}
