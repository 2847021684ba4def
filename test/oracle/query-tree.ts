// The oracle's one query tree: written from the contract (segment-query.md)
// only, never from src/query. Random queries are built as this tree and
// rendered to XML (random-query.ts); XML files are read into it
// (xml-query.ts); the reference model evaluates it (model.ts) and sql.ts
// translates it to DuckDB SQL.

/** A window bound as written in the query. */
export type Bound =
  | { kind: 'date'; date: string } // YYYY-MM-DD, resolved in the query's tz
  | { kind: 'datetime'; text: string } // ISO-8601 date-time with offset (Z / +hh:mm / -hh:mm), maybe with .mmm
  | { kind: 'relative'; n: number; unit: LastUnit }; // contract 7.1: `-N{h|d|w}`, asOf minus N units (N >= 0)

export type LastUnit = 'h' | 'd' | 'w';

export interface Last {
  n: number; // integer >= 1
  unit: LastUnit;
}

/** An any-of filter on sku / category / shop. `form` only affects rendering. */
export interface Filter {
  values: string[]; // non-empty
  form: 'attr' | 'children'; // attr form requires exactly one value
}

export interface BoughtNode {
  k: 'bought';
  sku?: Filter;
  category?: Filter;
  shop?: Filter;
  from?: Bound;
  to?: Bound;
  last?: Last;
  minCount?: number;
  maxCount?: number;
  minAmount?: string; // decimal text, <= 2 decimals
  maxAmount?: string;
  minQuantity?: number; // contract 7.2: integer >= 1, sum of the matching lines' quantities
  maxQuantity?: number;
}

/** `<firstOrder>` / `<lastOrder>` (7.3): the filters and window of `<bought>`, no thresholds. */
export interface OrderEdgeNode {
  k: 'firstOrder' | 'lastOrder';
  sku?: Filter;
  category?: Filter;
  shop?: Filter;
  from?: Bound;
  to?: Bound;
  last?: Last;
}

export interface TagNode {
  k: 'tag';
  name: string;
}

export interface AttrNode {
  k: 'attr';
  name: string;
  eq?: string;
  values?: string[]; // any-of <value> children
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  exists?: boolean;
}

export interface AndNode {
  k: 'and';
  children: QNode[];
}
export interface OrNode {
  k: 'or';
  children: QNode[];
}
export interface NotNode {
  k: 'not';
  child: QNode;
}
export interface RefNode {
  k: 'ref';
  name: string;
}
/** `<sample seed from to>`: from/to as written (percentages, at most 2 decimals). */
export interface SampleNode {
  k: 'sample';
  seed: string;
  from: string;
  to: string;
}

/** A `<step>` or the `<absent>` of a `<sequence>` (7.4): `<bought>`'s filters only (none: any order). */
export interface SequenceStep {
  sku?: Filter;
  category?: Filter;
  shop?: Filter;
}

/** `<sequence within>` (7.4): 1..16 steps, an optional final absent, an optional window on the steps. */
export interface SequenceNode {
  k: 'sequence';
  within: Last;
  steps: SequenceStep[];
  absent?: SequenceStep;
  from?: Bound;
  to?: Bound;
  last?: Last;
}

/**
 * `<score>` (7.5): the filters and window of `<bought>`, `by`, then `scale`
 * (absent with no cuts: 5) or `cuts` (as written), `min`, `max` (absent: the top score).
 */
export interface ScoreNode {
  k: 'score';
  by: 'recency' | 'frequency' | 'monetary' | 'quantity';
  sku?: Filter;
  category?: Filter;
  shop?: Filter;
  from?: Bound;
  to?: Bound;
  last?: Last;
  scale?: number;
  cuts?: string[];
  min: number;
  max?: number;
}

export type QNode = AndNode | OrNode | NotNode | BoughtNode | TagNode | AttrNode | RefNode | SampleNode | OrderEdgeNode | SequenceNode | ScoreNode;

/** The <segment> root: its children are ANDed. */
export interface SegmentTree {
  children: QNode[];
}

/** A segment read from XML: the tree plus the root's own attributes. */
export interface ParsedSegment extends SegmentTree {
  name?: string;
  /** the segment's asOf attribute, epoch ms */
  asOfMs?: number;
  /** the segment's tz attribute */
  tz?: string;
}

export function usesRef(n: QNode | SegmentTree): boolean {
  if ('children' in n && !('k' in n)) return n.children.some(usesRef);
  const q = n as QNode;
  switch (q.k) {
    case 'ref':
      return true;
    case 'and':
    case 'or':
      return q.children.some(usesRef);
    case 'not':
      return usesRef(q.child);
    default:
      return false;
  }
}

export function depth(n: QNode | SegmentTree): number {
  if ('children' in n && !('k' in n)) return 1 + Math.max(...n.children.map(depth));
  const q = n as QNode;
  switch (q.k) {
    case 'and':
    case 'or':
      return 1 + Math.max(...q.children.map(depth));
    case 'not':
      return 1 + depth(q.child);
    default:
      return 1;
  }
}
