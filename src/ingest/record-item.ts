import type { ShandianError } from '../model/errors.js';
import type { RawRecord } from '../model/records.js';

/** One record read from a file, or why the text at that place is not a record. */
export type RecordItem =
  | { raw: RawRecord; error?: undefined; line: number }
  | { raw?: undefined; error: ShandianError; line: number };

export type ProgressFn = (bytesRead: number, totalBytes: number) => void;
