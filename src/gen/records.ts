/**
 * The raw records the generator emits, in the contract's NDJSON shape
 * (snake_case, amounts as decimal strings, ts as ISO strings with +08:00).
 */

/**
 * Marks generated records whose refund is already known when the order is
 * emitted: set on an order that a later `refund` record refunds, and on that
 * refund record. Writers for formats without refund events (CSV, Arrow) use
 * it to write the order as `refunded` and skip the refund. A symbol key, so
 * JSON.stringify and the contract shape never see it.
 */
export const REFUNDED_LATER: unique symbol = Symbol.for('shandian.gen.refundedLater');

export interface GenOrderLine {
  sku: string;
  category: string;
  quantity: number;
  amount: string;
}

export interface GenOrderRecord {
  type: 'order';
  order_id: string;
  customer_id: string;
  ts: string;
  shop: string;
  status: 'paid' | 'refunded';
  lines: GenOrderLine[];
  [REFUNDED_LATER]?: true;
}

/**
 * The concrete class of generated orders. Same own properties, in the same
 * order, as the interface (so JSON is identical to a plain object's); being
 * a class lets the NDJSON writer recognise the exact shape and serialise it
 * without the generic JSON.stringify walk.
 */
export class GeneratedOrder implements GenOrderRecord {
  // field order = JSON key order: keep `type` first, like the contract's examples
  readonly type = 'order' as const;
  order_id: string;
  customer_id: string;
  ts: string;
  shop: string;
  status: 'paid' | 'refunded';
  lines: GenOrderLine[];
  declare [REFUNDED_LATER]?: true;

  constructor(order_id: string, customer_id: string, ts: string, shop: string, status: 'paid' | 'refunded', lines: GenOrderLine[]) {
    this.order_id = order_id;
    this.customer_id = customer_id;
    this.ts = ts;
    this.shop = shop;
    this.status = status;
    this.lines = lines;
  }
}

export interface GenRefundRecord {
  type: 'refund';
  order_id: string;
  [REFUNDED_LATER]?: true;
}

/** A type literal, not an interface: it must fit `CustomerInput['attrs']` (an index signature). */
export type GenCustomerAttrs = {
  city: string;
  level: 'bronze' | 'silver' | 'gold' | 'platinum';
  age: number;
  gender: 'F' | 'M';
  signup_date: string;
};

export interface GenCustomerRecord {
  type: 'customer';
  customer_id: string;
  attrs: GenCustomerAttrs;
}

export interface GenTagRecord {
  type: 'tag';
  customer_id: string;
  tag: string;
  op: 'add' | 'remove';
}

export type GenRecord = GenOrderRecord | GenRefundRecord | GenCustomerRecord | GenTagRecord;
