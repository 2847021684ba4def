/**
 * Records after validation: the only shapes the store ever sees (internal:
 * the public API exports them as Validated*; callers write `InputRecord`s).
 * Raw input (NDJSON objects, CSV rows, Arrow rows, `engine.append` arguments)
 * uses the contract's snake_case shape and is turned into these by
 * `src/ingest/validate-record.ts`.
 */

export interface OrderLine {
  sku: string;
  category: string;
  /** integer >= 1 */
  quantity: number;
  /** exact money in integer cents (fen) */
  amountCents: number;
}

export interface OrderRecord {
  type: 'order';
  orderId: string;
  customerId: string;
  /** epoch seconds (integer; input is truncated to whole seconds) */
  ts: number;
  shop: string;
  /** `refunded` at ingest: the order never counts */
  status: 'paid' | 'refunded';
  lines: OrderLine[];
}

export interface RefundRecord {
  type: 'refund';
  orderId: string;
}

export type AttrValue = string | number;

export interface CustomerRecord {
  type: 'customer';
  customerId: string;
  /** null deletes the attribute */
  attrs: Record<string, AttrValue | null>;
}

export interface TagRecord {
  type: 'tag';
  customerId: string;
  tag: string;
  op: 'add' | 'remove';
}

export type EngineRecord = OrderRecord | RefundRecord | CustomerRecord | TagRecord;

/** Any object before validation (NDJSON lines, CSV rows); typed callers use `InputRecord`. */
export type RawRecord = Record<string, unknown>;

/*
 * Input records: the contract's shape (NDJSON objects, `engine.append`
 * arguments), snake_case as on the wire. `engine.append` still checks every
 * record at run time (E_BAD_RECORD), for callers without types.
 */

/** One order line as input. */
export interface OrderLineInput {
  sku: string;
  category: string;
  /** integer >= 1 */
  quantity: number;
  /** yuan >= 0 with at most 2 decimals: a decimal string ("299.00") or a number */
  amount: string | number;
}

export interface OrderInput {
  type: 'order';
  /** unique per merchant */
  order_id: string;
  customer_id: string;
  /** ISO-8601 date-time with offset ("2026-11-11T00:03:12+08:00", "...Z") or integer epoch milliseconds; stored to the second */
  ts: string | number;
  shop: string;
  /** `refunded` at ingest: the order never counts */
  status: 'paid' | 'refunded';
  /** at least one line */
  lines: readonly OrderLineInput[];
}

/** Makes an ingested order stop counting from then on. */
export interface RefundInput {
  type: 'refund';
  order_id: string;
}

/** Upserts attributes; a null value deletes that attribute. */
export interface CustomerInput {
  type: 'customer';
  customer_id: string;
  attrs: Readonly<Record<string, string | number | null>>;
}

export interface TagInput {
  type: 'tag';
  customer_id: string;
  tag: string;
  op: 'add' | 'remove';
}

/** What `engine.append` takes: the contract's four record types. */
export type InputRecord = OrderInput | RefundInput | CustomerInput | TagInput;
