/**
 * Arrow IPC file writer: the CSV columns (all Utf8 except quantity Int32),
 * one record batch per ~64k order lines.
 *
 * apache-arrow's writer pushes bytes into an internal queue that nothing
 * drains until the whole file is done, and its Node duplex acknowledges
 * writes immediately, so neither bounds memory. Instead the writer gets a
 * queue subclass that just collects each batch's bytes, and we await their
 * write to the file before building the next batch.
 */
import {
  AsyncByteQueue,
  Field,
  Int32,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
} from 'apache-arrow';
import { Int32ColumnBuilder, Utf8ColumnBuilder } from './arrow-columns.js';
import { withFileSink, type FileSink, type ProgressCallback, type WriteProgress } from './file-sink.js';
import { ORDER_ROW_COLUMNS, OrderRowBuffer } from './order-rows.js';
import { forEachRecord, type RecordSource } from './record-source.js';

/** Rows per record batch. */
export const ARROW_BATCH_ROWS = 65536;

export const ORDER_LINE_SCHEMA = new Schema(
  ORDER_ROW_COLUMNS.map((name) => new Field(name, name === 'quantity' ? new Int32() : new Utf8(), false)),
);

/** Collects what the Arrow writer emits so we can write it with backpressure. */
class ChunkCollector extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];

  override write(value: Parameters<AsyncByteQueue['write']>[0]): void {
    if (ArrayBuffer.isView(value)) this.chunks.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    else if (value instanceof ArrayBuffer) this.chunks.push(new Uint8Array(value));
    else throw new TypeError('unexpected chunk from the Arrow writer');
  }

  take(): Uint8Array[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}

/** Builds record batches of order lines from staged rows. */
class OrderLineBatchBuilder {
  private readonly orderId = new Utf8ColumnBuilder();
  private readonly customerId = new Utf8ColumnBuilder();
  private readonly ts = new Utf8ColumnBuilder();
  private readonly shop = new Utf8ColumnBuilder();
  private readonly status = new Utf8ColumnBuilder();
  private readonly sku = new Utf8ColumnBuilder();
  private readonly category = new Utf8ColumnBuilder();
  private readonly quantity = new Int32ColumnBuilder();
  private readonly amount = new Utf8ColumnBuilder();

  get length(): number {
    return this.quantity.length;
  }

  /** Moves the staged rows into the columns and empties the stage. */
  take(rows: OrderRowBuffer): void {
    const n = rows.length;
    this.orderId.append(rows.orderId, n);
    this.customerId.append(rows.customerId, n);
    this.ts.append(rows.ts, n);
    this.shop.append(rows.shop, n);
    this.status.append(rows.status, n);
    this.sku.append(rows.sku, n);
    this.category.append(rows.category, n);
    this.quantity.append(rows.quantity, n);
    this.amount.append(rows.amount, n);
    rows.clear();
  }

  finish(): RecordBatch {
    const n = this.length;
    const children = [
      this.orderId.finish(),
      this.customerId.finish(),
      this.ts.finish(),
      this.shop.finish(),
      this.status.finish(),
      this.sku.finish(),
      this.category.finish(),
      this.quantity.finish(),
      this.amount.finish(),
    ];
    const data = makeData({ type: new Struct(ORDER_LINE_SCHEMA.fields), length: n, nullCount: 0, children });
    return new RecordBatch(ORDER_LINE_SCHEMA, data);
  }
}

export async function writeArrow(
  path: string,
  records: RecordSource<object>,
  onProgress?: ProgressCallback,
): Promise<WriteProgress> {
  return withFileSink(path, async (sink: FileSink) => {
    const collector = new ChunkCollector();
    const writer = new RecordBatchFileWriter();
    writer.reset(collector, ORDER_LINE_SCHEMA); // magic + schema
    await sink.writeBytes(collector.take());
    const rows = new OrderRowBuffer();
    const batch = new OrderLineBatchBuilder();
    let n = 0;
    const flush = async () => {
      batch.take(rows);
      if (batch.length > 0) {
        writer.write(batch.finish());
        await sink.writeBytes(collector.take());
      }
      onProgress?.({ records: n, bytes: sink.bytes });
    };
    await forEachRecord(records, (rec) => {
      n++;
      if (rows.add(rec)) {
        batch.take(rows);
        if (batch.length >= ARROW_BATCH_ROWS) return flush();
      }
    });
    await flush();
    writer.close(); // footer
    await sink.writeBytes(collector.take());
    return { records: n, bytes: sink.bytes };
  });
}
