import type { Bitmap } from '../index/bitmap.js';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Shard } from '../store/shard.js';
import type { Catalog } from '../store/catalog.js';
import type { RecordBatch } from 'apache-arrow';
import { ArrowEncoder } from '../export/arrow-encoder.js';
import { checkExportOptions, exportChunks, type ExportOptions } from '../export/export-stream.js';
import { writeChunks, writeFileAtomically, type ExportReport } from '../export/write-export.js';
import { memberBatches } from '../export/member-batches.js';
import { parseColumns } from '../export/export-columns.js';
import type { AttrValue } from '../model/records.js';
import { YIELD_BUDGET_MS } from './time-slice.js';
import { TUNING } from '../model/defaults.js';

/** ids() looks at the clock every this many ids. */
const ID_CHUNK = TUNING.IDS_PER_CLOCK_CHECK;

/**
 * A query's answer: one bitmap of shard-local customer ids per shard.
 * Shards are disjoint, so the count is a sum and the members a concatenation.
 * The bitmaps are the segment's own; later appends do not change it.
 */
export class Segment {
  readonly count: number;

  /** `catalog`: the store's (exports resolve tag names through it). */
  constructor(private readonly parts: readonly { shard: Shard; members: Bitmap }[], private readonly catalog: Catalog) {
    this.count = parts.reduce((n, p) => n + p.members.size, 0);
  }

  /**
   * External customer ids, shard by shard (order unspecified). Iterating an
   * async iterable runs in microtasks, which never let timers or I/O in, so
   * this gives the event loop a turn whenever YIELD_BUDGET_MS have passed
   * (checked every ID_CHUNK ids): a million members do not freeze the caller.
   */
  async *ids(): AsyncIterable<string> {
    let sliceStart = performance.now();
    let sinceCheck = 0;
    for (const id of this.idsSync()) {
      yield id;
      if (++sinceCheck < ID_CHUNK) continue;
      sinceCheck = 0;
      if (performance.now() - sliceStart >= YIELD_BUDGET_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  }

  *idsSync(): IterableIterator<string> {
    for (const { shard, members } of this.parts) {
      for (const local of members) yield shard.customers.value(local);
    }
  }

  /**
   * The members as csv, ndjson or arrow bytes, with `columns` (`attr:NAME`,
   * `tag:NAME`) after customer_id, written to `out` (a Node writable: a
   * file stream, a socket, process.stdout) with backpressure; `out` is not
   * ended. Streams batch by batch (TUNING.EXPORT_BATCH_ROWS members), never
   * holding every member. Attribute and tag values are read when their
   * batch is written: the customer's current values (membership is the
   * query's). E_BAD_ARGS for a bad format or column; E_IO when `out` fails.
   */
  async export(out: NodeJS.WritableStream, options: ExportOptions): Promise<ExportReport> {
    const bytes = await writeChunks(this.exportChunks(options), out);
    return { members: this.count, bytes };
  }

  /** export() to a file, atomically: written beside it under a temporary name and renamed when complete. */
  async exportToFile(file: string, options: ExportOptions): Promise<ExportReport> {
    const bytes = await writeFileAtomically(file, this.exportChunks(options));
    return { members: this.count, bytes };
  }

  /** The bytes export() writes, chunk by chunk (a header or schema, one chunk per batch, the Arrow end marker). */
  exportChunks(options: ExportOptions): AsyncGenerator<Uint8Array, void, undefined> {
    return exportChunks(this.parts, this.catalog, options);
  }

  /**
   * The members as rows `{ customer_id, [column]: value }`: an attribute's
   * current value (a string or a number as stored, null when absent), a
   * tag's true/false. Read batch by batch like export().
   */
  async *rows(columns: readonly string[] | string = []): AsyncIterable<Record<string, string | number | boolean | null>> {
    const specs = parseColumns(columns);
    let sliceStart = performance.now();
    for (const batch of memberBatches(this.parts, this.catalog, specs, TUNING.EXPORT_BATCH_ROWS)) {
      for (let i = 0; i < batch.length; i++) {
        const row: Record<string, string | number | boolean | null> = { customer_id: batch.ids[i]! };
        batch.cells.forEach((cell, c) => {
          if (cell.kind === 'tag') row[specs[c]!.label] = cell.holds[i] === 1;
          else row[specs[c]!.label] = cell.valueIndex[i]! < 0 ? null : (cell.values[cell.valueIndex[i]!] as AttrValue);
        });
        yield row;
      }
      if (performance.now() - sliceStart >= YIELD_BUDGET_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  }

  /**
   * The members as apache-arrow RecordBatches (the schema and types of the
   * arrow export: customer_id, then a column per `columns`), one per batch of
   * at most `batchRows` members, read like export().
   */
  async *recordBatches(columns: readonly string[] | string = [], batchRows: number = TUNING.EXPORT_BATCH_ROWS): AsyncIterable<RecordBatch> {
    checkExportOptions({ format: 'arrow', columns, batchRows });
    const specs = parseColumns(columns);
    const encoder = new ArrowEncoder(specs, this.parts);
    let sliceStart = performance.now();
    for (const batch of memberBatches(this.parts, this.catalog, specs, batchRows)) {
      yield encoder.recordBatch(batch);
      if (performance.now() - sliceStart >= YIELD_BUDGET_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  }

  has(customerId: string): boolean {
    return this.parts.some(({ shard, members }) => {
      const local = shard.customers.lookup(customerId);
      return local !== undefined && members.has(local);
    });
  }
}
