import { ShandianError } from '../model/errors.js';
import { readArrow } from './read-arrow.js';
import { readCsv } from './read-csv.js';
import { readNdjson } from './read-ndjson.js';
import type { ProgressFn, ReadOptions, RecordItem } from './record-item.js';

export type { ProgressFn, ReadOptions, RecordItem } from './record-item.js';

export type InputFormat = 'ndjson' | 'csv' | 'arrow';

/** The formats, by file extension (case-insensitive). */
const READERS: Record<string, (file: string, options: ReadOptions) => AsyncGenerator<RecordItem>> = {
  ndjson: readNdjson,
  jsonl: readNdjson,
  csv: readCsv,
  arrow: readArrow,
  arrows: readArrow, // the stream format's registered extension
  feather: readArrow, // Feather v2 is the Arrow IPC file format
};

/**
 * Records of a file in file order, by the format its extension names (or
 * `format`, e.g. for stdin given as `input`); throws E_BAD_ARGS at once for
 * an unknown extension. See RecordItem for how bad records and fatal
 * problems arrive.
 */
export function readRecords(file: string, options: ReadOptions & { format?: InputFormat } = {}): AsyncGenerator<RecordItem> {
  const ext = options.format ?? /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
  const reader = ext === undefined ? undefined : READERS[ext];
  if (!reader || !Object.hasOwn(READERS, ext!)) {
    throw new ShandianError('E_BAD_ARGS', 'cannot tell the input format from the file extension', { file },
      'name input files .ndjson or .jsonl, .csv, or .arrow');
  }
  return reader(file, options);
}
