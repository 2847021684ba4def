import fs from 'node:fs';
import { Transform } from 'node:stream';
import { DataType, RecordBatchReader, type Vector } from 'apache-arrow';
import { ShandianError } from '../model/errors.js';
import { ORDER_ROW_COLUMNS, OrderRowGrouper, quantityFromText, tsFromText, type OrderRow } from './group-order-rows.js';
import type { ProgressFn, RecordItem } from './record-item.js';

/**
 * Arrow IPC (file or stream format) with the CSV columns, read batch by
 * batch. Row numbers are 1-based over the whole file. Strings are taken as
 * in CSV; integer and float columns as numbers; Timestamp columns (any unit)
 * as epoch milliseconds.
 */
export async function* readArrow(file: string, onProgress?: ProgressFn): AsyncGenerator<RecordItem> {
  const total = fs.statSync(file).size;
  let read = 0;
  const counted = fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        read += chunk.length;
        done(null, chunk);
      },
    }),
  );
  let reader: RecordBatchReader;
  try {
    reader = await RecordBatchReader.from(counted);
    await reader.open();
  } catch (e) {
    throw new ShandianError('E_BAD_RECORD', `not an Arrow IPC file or stream: ${(e as Error).message}`, { file, line: 1 });
  }
  const grouper = new OrderRowGrouper(file);
  let rowNumber = 0;
  for await (const batch of reader) {
    const vectors = ORDER_ROW_COLUMNS.map((c) => batch.getChild(c));
    const missing = ORDER_ROW_COLUMNS.filter((_, i) => !vectors[i]);
    if (missing.length) {
      throw new ShandianError('E_BAD_RECORD', `the Arrow schema lacks column(s) ${missing.join(', ')}`, { file, line: 1 },
        `give the columns ${ORDER_ROW_COLUMNS.join(', ')}`);
    }
    const get = vectors.map((v) => cellReader(v!));
    for (let i = 0; i < batch.numRows; i++) {
      rowNumber++;
      const v = get.map((g) => g(i));
      const row: OrderRow = {
        order_id: v[0], customer_id: v[1], ts: tsFromText(v[2]), shop: v[3], status: v[4],
        sku: v[5], category: v[6], quantity: quantityFromText(v[7]), amount: v[8],
      };
      const done = grouper.add(row, rowNumber);
      if (done) yield done;
    }
    onProgress?.(read, total);
  }
  const last = grouper.flush();
  if (last) yield last;
  onProgress?.(total, total);
}

/** Reads one cell as a JS value the record validator understands. */
function cellReader(vector: Vector): (i: number) => unknown {
  const type = vector.type;
  if (DataType.isInt(type) || DataType.isFloat(type)) {
    return (i) => {
      const v = vector.get(i) as number | bigint | null;
      return typeof v === 'bigint' ? Number(v) : v;
    };
  }
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return (i) => vector.get(i) as number | null; // epoch ms
  if (DataType.isDecimal(type)) {
    return () => 'an Arrow Decimal column (use Utf8 or Float64 for amount)';
  }
  return (i) => {
    const v = vector.get(i);
    return v === null || v === undefined ? v : String(v);
  };
}
