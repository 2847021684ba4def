import type { StatsByNode } from '../exec/node-stats.js';
import { planChildren, visitPlan, type AttrPlan, type BoughtPlan, type PlanNode, type PlanVisitor } from '../plan/plan-node.js';
import type { NodeStats } from '../exec/node-stats.js';
import { ORDER_DIMENSIONS } from '../model/order-dimensions.js';

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

export function toExplainNode(node: PlanNode, stats: StatsByNode): ExplainNode {
  const s = stats.get(node) ?? { actual: 0, timeMs: 0 };
  return {
    op: node.kind,
    estimate: node.estimate,
    actual: s.actual,
    timeMs: round(s.timeMs),
    line: node.pos?.line,
    column: node.pos?.column,
    detail: visitPlan(node, DETAIL, s),
    children: planChildren(node).map((c) => toExplainNode(c, stats)),
  };
}

/** The text after the op, from the node's own fields (and its stats). */
const DETAIL: PlanVisitor<string, NodeStats> = {
  and: () => '',
  or: () => '',
  andNot: (n) => `keep first, remove the other ${n.remove.length}`,
  not: () => 'known customers minus child',
  // a restricted scan's actual counts only customers that pass its and-siblings
  bought: (n, s) => describeBought(n) + (s.candidates === undefined ? '' : `; scanned for ${s.candidates} candidates (its and-siblings)`),
  tag: (n) => `name=${n.name}`,
  attr: (n) => describeAttr(n),
  empty: () => 'matches nobody',
};

/** name, eq list, range, exists: the attribute test as JSON values (null where absent). */
function describeAttr(n: AttrPlan): string {
  return `${JSON.stringify(n.name)},${JSON.stringify(n.eq ?? null)},${JSON.stringify(n.range ?? null)},${n.exists ?? ''}`;
}

function describeBought(b: BoughtPlan): string {
  const parts: string[] = [];
  for (const d of ORDER_DIMENSIONS) {
    const values = b[d.field];
    if (values) parts.push(`${d.name} in [${values.join(', ')}]`);
  }
  const from = Number.isFinite(b.lo) ? new Date(b.lo * 1000).toISOString() : '-inf';
  parts.push(`ts in [${from}, ${new Date(b.hi * 1000).toISOString()}]`);
  parts.push(`orders ${b.minCount}..${b.maxCount ?? 'inf'}`);
  if (b.minAmountCents !== undefined || b.maxAmountCents !== undefined) {
    parts.push(`amount ${b.minAmountCents === undefined ? '0' : (b.minAmountCents / 100).toFixed(2)}..${b.maxAmountCents === undefined ? 'inf' : (b.maxAmountCents / 100).toFixed(2)}`);
  }
  return parts.join(', ');
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
