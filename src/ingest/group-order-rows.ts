import { ShandianError } from '../model/errors.js';
import type { RecordItem } from './record-item.js';

/** One order line as CSV and Arrow carry it (values still raw). */
export interface OrderRow {
  order_id: unknown;
  customer_id: unknown;
  ts: unknown;
  shop: unknown;
  status: unknown;
  sku: unknown;
  category: unknown;
  quantity: unknown;
  amount: unknown;
}

export const ORDER_ROW_COLUMNS = ['order_id', 'customer_id', 'ts', 'shop', 'status', 'sku', 'category', 'quantity', 'amount'] as const;

/**
 * Consecutive rows with the same order_id form one order; they must agree on
 * customer_id, ts, shop and status. Rows of one id that are not consecutive
 * make a second order with that id, which the store refuses as a duplicate.
 */
export class OrderRowGrouper {
  private current?: { first: OrderRow; line: number; lines: object[]; error?: ShandianError };

  constructor(private readonly file: string) {}

  /** Adds a row; returns the previous order when this row starts a new one. */
  add(row: OrderRow, line: number): RecordItem | undefined {
    const cur = this.current;
    if (cur && row.order_id === cur.first.order_id) {
      if (!cur.error) {
        for (const f of ['customer_id', 'ts', 'shop', 'status'] as const) {
          if (row[f] !== cur.first[f]) {
            cur.error = new ShandianError('E_BAD_RECORD',
              `rows of order ${JSON.stringify(String(row.order_id))} disagree on ${f}: ${JSON.stringify(cur.first[f])} at line ${cur.line}, ${JSON.stringify(row[f])} at line ${line}`,
              { file: this.file, line: cur.line }, 'every row of one order must carry the same customer_id, ts, shop and status');
            break;
          }
        }
      }
      cur.lines.push(lineOf(row));
      return undefined;
    }
    const done = this.flush();
    this.current = { first: row, line, lines: [lineOf(row)] };
    return done;
  }

  /** The order in progress, if any (call at the end of the file). */
  flush(): RecordItem | undefined {
    const cur = this.current;
    this.current = undefined;
    if (!cur) return undefined;
    if (cur.error) return { error: cur.error, line: cur.line };
    const { order_id, customer_id, ts, shop, status } = cur.first;
    return { raw: { type: 'order', order_id, customer_id, ts, shop, status, lines: cur.lines }, line: cur.line };
  }
}

function lineOf(row: OrderRow): object {
  return { sku: row.sku, category: row.category, quantity: row.quantity, amount: row.amount };
}

/** CSV/Arrow text timestamps: all digits (optionally signed) are epoch ms, anything else ISO text. */
export function tsFromText(v: unknown): unknown {
  return typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : v;
}

/** CSV/Arrow text quantities: strict digits to an integer, else left for validation to refuse. */
export function quantityFromText(v: unknown): unknown {
  return typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
}
