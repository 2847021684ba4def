import { ShandianError } from '../model/errors.js';
import { parseDateTimeWithOffset } from '../model/time.js';
import type { RecordItem } from './record-item.js';
import { show, validateLine } from './validate-record.js';
import { TUNING } from '../model/defaults.js';

/** The columns of the CSV and Arrow forms: one order line per row. */
export const ORDER_ROW_COLUMNS = ['order_id', 'customer_id', 'ts', 'shop', 'status', 'sku', 'category', 'quantity', 'amount'] as const;
export type OrderRowColumn = (typeof ORDER_ROW_COLUMNS)[number];

/** One order line as CSV and Arrow carry it (values still raw). */
export type OrderRow = Record<OrderRowColumn, unknown>;

/** Order-level columns that every row of one order must repeat. */
const SHARED = ['customer_id', 'ts', 'shop', 'status'] as const;

/** More lines than this in one order is refused rather than buffered. */
export const MAX_ORDER_LINES = 1_000_000;

/**
 * Order ids remembered (first row's line) to tell rows of one order split
 * by other rows from a new order: the last 64Ki to 128Ki orders of the file.
 * Further back, the second part is refused by the store as a duplicate.
 */
const RECENT_ORDERS = TUNING.CSV_RECENT_ORDERS;

interface Group {
  first: OrderRow;
  line: number;
  lines: object[];
  /** set once any row of the order is bad: the whole order is refused, once */
  error?: ShandianError;
}

/**
 * Turns rows into order records. Consecutive rows with the same order_id form
 * one order, which must agree on customer_id, ts (the same instant), shop and
 * status. The rows of one order must be adjacent: rows of an id that
 * appeared before, with other orders' rows between, are refused (naming both
 * lines) rather than taken as a second order with that id.
 *
 * A bad row spoils its whole order (contract: an order is applied whole or
 * not at all): the order's remaining rows are absorbed and one error item,
 * located at the first bad row, stands for the order.
 */
export class OrderRowGrouper {
  private current: Group | undefined;
  /** first line of the recent orders, by id (two generations) */
  private recent = new Map<unknown, number>();
  private older = new Map<unknown, number>();

  constructor(private readonly file: string) {}

  /** Adds a row; returns the previous order when this row starts a new one. */
  add(row: OrderRow, line: number): RecordItem | undefined {
    const cur = this.current;
    if (cur && row.order_id === cur.first.order_id) {
      if (!cur.error) cur.error = this.disagreement(cur, row, line) ?? this.lineProblem(row, line);
      if (!cur.error && cur.lines.length >= MAX_ORDER_LINES) {
        cur.error = this.bad(`order ${show(row.order_id)} has more than ${MAX_ORDER_LINES} lines`, line,
          'is the order_id column right? one order holds at most a million lines');
      }
      if (cur.error) cur.lines = []; // nothing of it will be used
      else cur.lines.push(lineOf(row));
      return undefined;
    }
    const done = this.flush();
    const before = this.earlierLine(row.order_id);
    const error = before === undefined
      ? this.lineProblem(row, line)
      : this.bad(`rows of order ${show(row.order_id)} are not adjacent: it starts at line ${before} and appears again at line ${line}, after other orders' rows`,
        line, 'the rows of one order must be next to each other (group or sort the file by order_id); order ids are unique, so this cannot be a second order');
    this.current = { first: row, line, lines: [lineOf(row)], error };
    this.remember(row.order_id, line);
    return done;
  }

  /**
   * A row that could not be read as a row (malformed CSV, wrong field count).
   * When its order_id is known it spoils that order; otherwise it stands alone.
   */
  addBad(orderId: unknown, error: ShandianError, line: number): RecordItem[] {
    const out: RecordItem[] = [];
    const cur = this.current;
    if (orderId !== undefined && cur && orderId === cur.first.order_id) {
      cur.error ??= error;
      cur.lines = [];
      return out;
    }
    const done = this.flush();
    if (done) out.push(done);
    if (orderId !== undefined) {
      this.current = { first: { order_id: orderId } as OrderRow, line, lines: [], error };
      this.remember(orderId, line);
    } else {
      out.push({ error, line });
    }
    return out;
  }

  private earlierLine(id: unknown): number | undefined {
    return this.recent.get(id) ?? this.older.get(id);
  }

  private remember(id: unknown, line: number): void {
    if (typeof id !== 'string' || this.earlierLine(id) !== undefined) return;
    if (this.recent.size >= RECENT_ORDERS) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(id, line);
  }

  /** Line of the first row of the order in progress, if any. */
  get openLine(): number | undefined {
    return this.current?.line;
  }

  /** The order in progress, if any (call at the end of the input). */
  flush(): RecordItem | undefined {
    const cur = this.current;
    this.current = undefined;
    if (!cur) return undefined;
    if (cur.error) return { error: cur.error, line: cur.error.where.line ?? cur.line };
    const { order_id, customer_id, ts, shop, status } = cur.first;
    return { raw: { type: 'order', order_id, customer_id, ts, shop, status, lines: cur.lines }, line: cur.line };
  }

  private disagreement(cur: Group, row: OrderRow, line: number): ShandianError | undefined {
    for (const f of SHARED) {
      const a = cur.first[f], b = row[f];
      if (a === b || (f === 'ts' && sameInstant(a, b))) continue;
      return this.bad(
        `rows of order ${show(row.order_id)} disagree on ${f}: ${show(a)} at line ${cur.line}, ${show(b)} at line ${line}`,
        line,
        'every row of one order must carry the same customer_id, ts, shop and status',
      );
    }
    return undefined;
  }

  /** Line fields are checked here so that the error points at the row itself. */
  private lineProblem(row: OrderRow, line: number): ShandianError | undefined {
    try {
      validateLine(lineOf(row));
      return undefined;
    } catch (e) {
      if (!(e instanceof ShandianError)) throw e;
      return this.bad(`order ${show(row.order_id)}: ${e.reason}`, line, e.hint);
    }
  }

  private bad(reason: string, line: number, hint?: string): ShandianError {
    return new ShandianError('E_BAD_RECORD', reason, { file: this.file, line }, hint);
  }
}

function lineOf(row: OrderRow): object {
  return { sku: row.sku, category: row.category, quantity: row.quantity, amount: row.amount };
}

/** Two ts values naming the same millisecond (`...T08:00:00+08:00` and `...T00:00:00Z`). */
function sameInstant(a: unknown, b: unknown): boolean {
  const ma = instant(a), mb = instant(b);
  return ma !== undefined && ma === mb;
}

function instant(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string') return parseDateTimeWithOffset(v);
  return undefined;
}

/** CSV/Arrow text timestamps: all digits (optionally signed) are epoch ms, anything else ISO text. */
export function tsFromText(v: unknown): unknown {
  // beyond 2^53 Number() rounds, but that is far outside the date range, which validation refuses
  return typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : v;
}

/** CSV/Arrow text quantities: strict digits to an integer, else left for validation to refuse. */
export function quantityFromText(v: unknown): unknown {
  return typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
}
