/**
 * CSV writer (RFC 4180): one row per order line under the contract's header,
 * CRLF line ends, fields quoted only when they contain a quote, comma, CR or
 * LF. Orders refunded later are written as `refunded` (CSV has no refund
 * events); customer and tag records are skipped.
 */
import { withFileSink, type FileSink, type ProgressCallback, type WriteProgress } from './file-sink.js';
import { ORDER_ROW_COLUMNS, OrderRowBuffer } from './order-rows.js';
import { forEachRecord, type RecordSource } from './record-source.js';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** The first `n` values, quoted where needed; one regex scan when none need it. */
function csvColumn(values: string[], n: number): string[] {
  const col = values.length === n ? values : values.slice(0, n);
  return NEEDS_QUOTES.test(col.join('')) ? col.map(csvField) : col;
}

/** Appends the staged rows to the sink as CSV text and empties the stage. */
function drainRows(rows: OrderRowBuffer, sink: FileSink): void {
  const n = rows.length;
  if (n === 0) return;
  const orderId = csvColumn(rows.orderId, n);
  const customerId = csvColumn(rows.customerId, n);
  const ts = csvColumn(rows.ts, n);
  const shop = csvColumn(rows.shop, n);
  const status = csvColumn(rows.status, n);
  const sku = csvColumn(rows.sku, n);
  const category = csvColumn(rows.category, n);
  const amount = csvColumn(rows.amount, n);
  const quantity = rows.quantity;
  let text = '';
  for (let i = 0; i < n; i++) {
    text +=
      orderId[i] + ',' + customerId[i] + ',' + ts[i] + ',' + shop[i] + ',' + status[i] + ',' +
      sku[i] + ',' + category[i] + ',' + quantity[i] + ',' + amount[i] + '\r\n';
  }
  sink.add(text);
  rows.clear();
}

export async function writeCsv(
  path: string,
  records: RecordSource<object>,
  onProgress?: ProgressCallback,
): Promise<WriteProgress> {
  return withFileSink(path, async (sink) => {
    sink.add(ORDER_ROW_COLUMNS.join(',') + '\r\n');
    const rows = new OrderRowBuffer();
    let n = 0;
    const flush = async () => {
      drainRows(rows, sink);
      await sink.flush();
      onProgress?.({ records: n, bytes: sink.bytes });
    };
    await forEachRecord(records, (rec) => {
      n++;
      if (rows.add(rec)) {
        drainRows(rows, sink);
        if (sink.needsFlush) return flush();
      }
    });
    await flush();
    return { records: n, bytes: sink.bytes };
  });
}
