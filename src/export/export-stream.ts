import { setImmediate as nextTurn } from 'node:timers/promises';
import { fail } from '../model/errors.js';
import { TUNING } from '../model/defaults.js';
import type { Catalog } from '../store/catalog.js';
import { ArrowEncoder } from './arrow-encoder.js';
import { CsvEncoder } from './csv-encoder.js';
import { parseColumns } from './export-columns.js';
import type { ExportEncoder } from './export-encoder.js';
import { memberBatches, type SegmentPart } from './member-batches.js';
import { NdjsonEncoder } from './ndjson-encoder.js';

export const EXPORT_FORMATS = ['csv', 'ndjson', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What `Segment.export` and `Segment.exportChunks` take. */
export interface ExportOptions {
  /** csv (RFC 4180 with a header row), ndjson (one object a line) or arrow (an Arrow IPC stream) */
  format: ExportFormat;
  /** `attr:NAME` and `tag:NAME` columns after customer_id: an array, or one comma-separated string */
  columns?: readonly string[] | string;
  /** called as each batch is encoded, before its bytes are handed on, with the members so far */
  onProgress?: (membersDone: number) => void;
  /** stops the export before the next batch (the error is the signal's reason) */
  signal?: AbortSignal;
  /** members per batch (default TUNING.EXPORT_BATCH_ROWS) */
  batchRows?: number;
}

/** Checks an export's options before anything is read: E_BAD_ARGS for a bad format, column or batch size. */
export function checkExportOptions(options: ExportOptions): void {
  if (!options || !(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw fail.badArgs(`export format must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(options?.format)}`);
  }
  parseColumns(options.columns);
  const rows = options.batchRows;
  if (rows !== undefined && !(Number.isInteger(rows) && rows >= 1 && rows <= 1 << 24)) {
    throw fail.badArgs(`batchRows must be an integer from 1 to ${1 << 24}, got ${rows}`);
  }
}

/**
 * The bytes of a segment's export, chunk by chunk: a header/schema, then
 * one chunk (a CSV or NDJSON block, an Arrow record batch) per batch of
 * members, then the Arrow end-of-stream. Holds one batch at a time, and
 * gives the event loop a turn when a consumer that never waits (a memory
 * buffer) has kept it over TUNING.YIELD_BUDGET_MS.
 */
export async function* exportChunks(parts: readonly SegmentPart[], catalog: Catalog, options: ExportOptions): AsyncGenerator<Uint8Array, void, undefined> {
  checkExportOptions(options);
  const columns = parseColumns(options.columns);
  const encoder: ExportEncoder = options.format === 'csv' ? new CsvEncoder(columns)
    : options.format === 'ndjson' ? new NdjsonEncoder(columns)
      : new ArrowEncoder(columns, parts);
  yield* encoder.start();
  let done = 0;
  let sliceStart = performance.now();
  for (const batch of memberBatches(parts, catalog, columns, options.batchRows ?? TUNING.EXPORT_BATCH_ROWS)) {
    options.signal?.throwIfAborted();
    const bytes = encoder.batch(batch);
    done += batch.length;
    options.onProgress?.(done);
    yield* bytes;
    if (performance.now() - sliceStart >= TUNING.YIELD_BUDGET_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  yield* encoder.end();
}
