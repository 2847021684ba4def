/**
 * Writes records to a file in the format its extension names: `.ndjson` /
 * `.jsonl`, `.csv` or `.arrow` (Arrow IPC file).
 */
import type { ProgressCallback, WriteProgress } from './file-sink.js';
import type { RecordSource } from './record-source.js';
import { writeArrow } from './write-arrow.js';
import { writeCsv } from './write-csv.js';
import { writeNdjson } from './write-ndjson.js';

export type OutputFormat = 'ndjson' | 'csv' | 'arrow';

/** The format for a path's extension (case-insensitive), or undefined. */
export function formatForPath(path: string): OutputFormat | undefined {
  const m = /\.([A-Za-z]+)$/.exec(path);
  switch (m?.[1]?.toLowerCase()) {
    case 'ndjson':
    case 'jsonl':
      return 'ndjson';
    case 'csv':
      return 'csv';
    case 'arrow':
      return 'arrow';
    default:
      return undefined;
  }
}

export async function writeRecords(
  path: string,
  records: RecordSource<object>,
  onProgress?: ProgressCallback,
): Promise<WriteProgress> {
  switch (formatForPath(path)) {
    case 'ndjson':
      return writeNdjson(path, records, onProgress);
    case 'csv':
      return writeCsv(path, records, onProgress);
    case 'arrow':
      return writeArrow(path, records, onProgress);
    default:
      throw new RangeError(`cannot tell the output format of ${path}: use .ndjson, .jsonl, .csv or .arrow`);
  }
}
