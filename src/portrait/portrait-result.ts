/**
 * What a portrait answers (contract 8.2): for the segment's members, per
 * dimension, one bucket per value at least one member has, with the exact
 * number of members in it. The in-process engine and the ClickHouse backend
 * both produce this shape; `--format json` prints it as it is
 * (docs/portraits.md).
 */
export interface PortraitResult {
  /** the segment's size: every member, whatever its buckets */
  count: number;
  /** the asOf the segment and the order windows were evaluated at (ISO 8601, UTC) */
  asOf: string;
  /** the zone date-only bounds were read in */
  tz: string;
  /** one per `by`, in the order given */
  dimensions: PortraitDimensionResult[];
}

export interface PortraitDimensionResult {
  /** the dimension as given (`attr:city`, `attr:age:18,30`, `tag`, `category:last=30d`) */
  by: string;
  /** `attr` (distinct values), `attr-range` (numeric buckets), `tag`, or `order` (shop, category, sku) */
  kind: 'attr' | 'attr-range' | 'tag' | 'order';
  /**
   * Buckets with at least one member. Ordered by `customers` descending,
   * then by value (numbers ascending before strings in code-unit order);
   * `attr-range` buckets in range order; `(none)` always last.
   */
  buckets: PortraitBucket[];
}

export interface PortraitBucket {
  /**
   * The value: an attribute's string or number (31 and "31" are different
   * buckets), a tag, a shop, category or SKU, a range label (`< 18`,
   * `[18, 30)`, `>= 45`), or `"(none)"` for the members without one.
   */
  value: string | number;
  /** true only on the `(none)` bucket (a string attribute may itself be "(none)") */
  none?: true;
  /** attr-range buckets: the numeric bounds, `from <= v < to` (absent: unbounded) */
  from?: number;
  to?: number;
  /** members in the bucket (a member with several tags counts in each) */
  customers: number;
  /** order dimensions: distinct counting orders with a line of this value in the window */
  orders?: number;
  /** order dimensions: the sum of those lines' amounts, a decimal string in yuan ("1234.50") */
  amount?: string;
}

/** `(none)`: the bucket of members without a value for the dimension. */
export const NONE_LABEL = '(none)';
