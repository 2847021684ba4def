import { ShandianError } from '../model/errors.js';
import { readArrow } from './read-arrow.js';
import { readCsv } from './read-csv.js';
import { readNdjson } from './read-ndjson.js';
import type { ProgressFn, RecordItem } from './record-item.js';

export type { RecordItem } from './record-item.js';

/** Records of a file in file order, by the format its extension names. */
export function readRecords(file: string, options: { onProgress?: ProgressFn } = {}): AsyncGenerator<RecordItem> {
  const ext = /\.([A-Za-z]+)$/.exec(file)?.[1]?.toLowerCase();
  switch (ext) {
    case 'ndjson':
    case 'jsonl':
      return readNdjson(file, options.onProgress);
    case 'csv':
      return readCsv(file, options.onProgress);
    case 'arrow':
    case 'arrows':
    case 'feather':
      return readArrow(file, options.onProgress);
    default:
      throw new ShandianError('E_BAD_ARGS', `cannot tell the format of ${file} from its extension`, { file },
        'use .ndjson/.jsonl, .csv or .arrow');
  }
}
