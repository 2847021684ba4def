import type { ConditionNode, SegmentNode } from '../query/ast/index.js';
import { elementOf } from '../language/registry.js';
import type { Store } from '../store/store.js';

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Kinds whose answer for one customer depends on that customer's data alone (evaluable for the customers an append touched). */
const PER_CUSTOMER = new Set(['and', 'or', 'not', 'ref', 'tag', 'attr', 'sample', 'bought', 'firstOrder', 'lastOrder', 'sequence']);
/** Kinds that never read orders: they do not move with time (tags and attributes are "now", a sample is fixed). */
const TIME_FREE = new Set(['and', 'or', 'not', 'ref', 'tag', 'attr', 'sample']);
/** Order kinds whose only dependence on asOf is through comparisons of order times with asOf minus an offset (their windows, the cap at asOf, a sequence's within). */
const WINDOWED = new Set(['bought', 'firstOrder', 'lastOrder', 'sequence']);

/**
 * How a live segment's membership can move without new data, and whether an
 * append can be evaluated for the customers it touched alone.
 *
 * Every order element compares order times with asOf minus an offset (0 for
 * the cap at asOf and for absolute bounds, N for `last="N..."` and relative
 * bounds `-N...`, a sequence's periods). Its answer is a function of which
 * orders lie on which side of those edges, so it can change only when some
 * order's ts + offset passes now: `timeDue` looks for such an order between
 * the last evaluation and now (binary searches in the all-orders postings)
 * instead of re-evaluating blindly.
 */
export interface LiveAnalysis {
  /** offsets (ms) of asOf the answer depends on; empty: never moves with time */
  offsets: number[];
  /** an element this analysis does not know: re-evaluate at every refresh */
  blind: boolean;
  /** an element whose answer depends on the whole population (`<score>`): appends re-evaluate everyone */
  fullOnData: boolean;
}

export function analyse(root: SegmentNode, loadSegment: (name: string) => SegmentNode): LiveAnalysis {
  const offsets = new Set<number>();
  let blind = false;
  let fullOnData = false;
  const seenRefs = new Set<string>();
  const stack: ConditionNode[] = [...root.children];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const element = elementOf(n);
    if (!PER_CUSTOMER.has(n.kind)) fullOnData = true;
    if (!TIME_FREE.has(n.kind)) {
      offsets.add(0);
      collectDurations(n, offsets);
      if (!WINDOWED.has(n.kind)) blind = true;
    }
    if (element.refersTo) {
      const name = element.refersTo(n);
      if (!seenRefs.has(name)) {
        seenRefs.add(name);
        stack.push(...loadSegment(name).children);
      }
    }
    stack.push(...element.children(n));
  }
  return { offsets: [...offsets].sort((a, b) => a - b), blind, fullOnData };
}

/** Every `{ amount, unit }` (a `last` window, a relative bound, a period) in a node's own fields, as ms. */
function collectDurations(value: unknown, into: Set<number>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 6) return;
  const o = value as Record<string, unknown>;
  if (typeof o.amount === 'number' && typeof o.unit === 'string' && o.unit in UNIT_MS) {
    into.add(o.amount * UNIT_MS[o.unit as keyof typeof UNIT_MS]);
  }
  for (const [key, v] of Object.entries(o)) {
    if (key === 'children' || key === 'pos') continue;
    collectDurations(v, into, depth + 1);
  }
}

/**
 * Whether some order's ts + offset lies in (from, to] (ms), with a second's
 * margin either side (bounds are resolved to whole seconds), on any shard.
 */
export function timeDue(store: Store, analysis: LiveAnalysis, from: number, to: number): boolean {
  if (analysis.blind) return true;
  if (to === from) return false;
  if (to < from) [from, to] = [to, from]; // a clock that went back: the same edges, crossed the other way
  for (const k of analysis.offsets) {
    const lo = Math.floor((from - k - 1000) / 1000) + 1;
    const hi = Math.floor((to - k + 1000) / 1000);
    if (lo > hi) continue;
    for (const shard of store.shards) {
      const slices = shard.allOrders.posting.window(lo, hi, shard.orderTime);
      if (slices.some((s) => s.end > s.start)) return true;
    }
  }
  return false;
}
