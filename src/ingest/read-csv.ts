import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ShandianError } from '../model/errors.js';
import { CsvParser } from './csv-parser.js';
import { ORDER_ROW_COLUMNS, OrderRowGrouper, quantityFromText, tsFromText, type OrderRow } from './group-order-rows.js';
import type { ProgressFn, RecordItem } from './record-item.js';

/**
 * CSV order lines (header row required, columns in any order, extra columns
 * ignored), streamed and grouped into orders.
 */
export async function* readCsv(file: string, onProgress?: ProgressFn): AsyncGenerator<RecordItem> {
  const total = fs.statSync(file).size;
  const decoder = new StringDecoder('utf8');
  const grouper = new OrderRowGrouper(file);
  let columns: number[] | undefined;
  let pending: RecordItem[] = [];
  let first = true;
  const parser = new CsvParser((fields, line, error) => {
    if (!columns) {
      if (first && fields[0]?.charCodeAt(0) === 0xfeff) fields[0] = fields[0].slice(1);
      first = false;
      const missing = ORDER_ROW_COLUMNS.filter((c) => !fields.includes(c));
      if (missing.length) {
        throw new ShandianError('E_BAD_RECORD', `the header lacks column(s) ${missing.join(', ')}`, { file, line },
          `the first row must name the columns ${ORDER_ROW_COLUMNS.join(',')}`);
      }
      columns = ORDER_ROW_COLUMNS.map((c) => fields.indexOf(c));
      return;
    }
    if (error) {
      const done = grouper.flush();
      if (done) pending.push(done);
      pending.push({ error: new ShandianError('E_BAD_RECORD', `malformed CSV: ${error}`, { file, line }), line });
      return;
    }
    if (fields.length < columns.length || columns.some((i) => i >= fields.length)) {
      const done = grouper.flush();
      if (done) pending.push(done);
      pending.push({ error: new ShandianError('E_BAD_RECORD', `the row has ${fields.length} fields, the header ${Math.max(...columns) + 1}+`, { file, line }), line });
      return;
    }
    const v = columns.map((i) => fields[i]!);
    const row: OrderRow = {
      order_id: v[0], customer_id: v[1], ts: tsFromText(v[2]), shop: v[3], status: v[4],
      sku: v[5], category: v[6], quantity: quantityFromText(v[7]), amount: v[8],
    };
    const done = grouper.add(row, line);
    if (done) pending.push(done);
  });
  let read = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    read += chunk.length;
    parser.push(decoder.write(chunk));
    yield* pending;
    pending = [];
    onProgress?.(read, total);
  }
  parser.push(decoder.end());
  parser.end();
  if (!columns) throw new ShandianError('E_BAD_RECORD', 'the CSV file is empty: a header row is required', { file, line: 1 });
  const last = grouper.flush();
  if (last) pending.push(last);
  yield* pending;
}
