/**
 * Flattens records into order-line rows for the tabular formats (CSV and
 * Arrow), which have one row per order line and no refund, customer or tag
 * records. An order refunded later must therefore be written as `refunded`:
 * generated orders carry the REFUNDED_LATER marker for that; an unmarked
 * refund can only be honoured while its order is still in the row buffer.
 *
 * The buffer is a small staging area (1024 rows by default) that writers
 * drain often: strings that die young are cheap for V8's GC, while holding
 * tens of thousands of rows of strings makes every scavenge copy them.
 */
import { REFUNDED_LATER } from './records.js';

export const ORDER_ROW_COLUMNS = [
  'order_id', 'customer_id', 'ts', 'shop', 'status', 'sku', 'category', 'quantity', 'amount',
] as const;

export const DEFAULT_STAGING_ROWS = 1024;

type Raw = Record<string | symbol, unknown>;

function text(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new TypeError(`order record: ${what} must be a string or number, got ${typeof v}`);
}

/**
 * Columns of buffered rows; a writer drains it whenever `add` reports full.
 * The column arrays are allocated once and overwritten (clearing them would
 * make V8 drop and regrow their storage on every batch): entries at
 * `length` and beyond are stale.
 */
export class OrderRowBuffer {
  length = 0;
  readonly orderId: string[];
  readonly customerId: string[];
  readonly ts: string[];
  readonly shop: string[];
  readonly status: string[];
  readonly sku: string[];
  readonly category: string[];
  readonly quantity: number[];
  readonly amount: string[];

  constructor(readonly capacity = DEFAULT_STAGING_ROWS) {
    const strings = () => new Array<string>(capacity).fill('');
    this.orderId = strings();
    this.customerId = strings();
    this.ts = strings();
    this.shop = strings();
    this.status = strings();
    this.sku = strings();
    this.category = strings();
    this.quantity = new Array<number>(capacity).fill(0);
    this.amount = strings();
  }

  /**
   * Takes one record of any type; returns true when the buffer holds at
   * least `capacity` rows (an order's lines are never split).
   */
  add(rec: object): boolean {
    const r = rec as Raw;
    switch (r.type) {
      case 'order':
        this.addOrder(r);
        break;
      case 'refund':
        if (r[REFUNDED_LATER] !== true) this.refund(text(r.order_id, 'order_id'));
        break;
      case 'customer':
      case 'tag':
        break; // not representable in order-line formats
      default:
        throw new TypeError(`unknown record type: ${JSON.stringify(r.type)}`);
    }
    return this.length >= this.capacity;
  }

  clear(): void {
    this.length = 0;
  }

  private addOrder(r: Raw): void {
    const orderId = text(r.order_id, 'order_id');
    const customerId = text(r.customer_id, 'customer_id');
    const ts = text(r.ts, 'ts');
    const shop = text(r.shop, 'shop');
    const status = r[REFUNDED_LATER] === true ? 'refunded' : text(r.status, 'status');
    const lines = r.lines;
    if (!Array.isArray(lines)) throw new TypeError(`order ${orderId}: lines must be an array`);
    for (const line of lines as Raw[]) {
      const i = this.length++;
      this.orderId[i] = orderId;
      this.customerId[i] = customerId;
      this.ts[i] = ts;
      this.shop[i] = shop;
      this.status[i] = status;
      this.sku[i] = text(line.sku, 'sku');
      this.category[i] = text(line.category, 'category');
      const q = Number(line.quantity);
      if (!Number.isInteger(q)) throw new TypeError(`order ${orderId}: quantity must be an integer`);
      this.quantity[i] = q;
      this.amount[i] = text(line.amount, 'amount');
    }
  }

  private refund(orderId: string): void {
    let found = false;
    for (let i = this.length - 1; i >= 0; i--) {
      if (this.orderId[i] === orderId) {
        this.status[i] = 'refunded';
        found = true;
      } else if (found) break; // an order's rows are adjacent
    }
    if (!found) {
      throw new Error(
        `refund for order ${orderId} cannot be written: this format has no refund events and the order is no longer buffered`,
      );
    }
  }
}
