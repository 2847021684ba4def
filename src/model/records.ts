/**
 * Records after validation: the only shapes the store ever sees.
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

/** The contract's raw shape (NDJSON / `append`), before validation. */
export type RawRecord = Record<string, unknown>;
