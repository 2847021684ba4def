import type { ShandianError } from '../model/errors.js';
import type { RawRecord } from '../model/records.js';

/**
 * One record read from a file, or why the text at that place is not a
 * record. `line` is the 1-based physical line (NDJSON, CSV: the first row of
 * the order) or data row (Arrow). An error item can be skipped and reading
 * goes on, unless it is `fatal` (the rest of the file cannot be read): then
 * the next pull throws that same error. Fatal problems are yielded before
 * they are thrown so that a consumer applies what came before them first.
 */
export type RecordItem =
  | { raw: RawRecord; error?: undefined; line: number }
  | { raw?: undefined; error: ShandianError; line: number; fatal?: boolean };

/** Bytes of the input consumed so far, and its size (for a progress bar). */
export type ProgressFn = (bytesRead: number, totalBytes: number) => void;

export interface ReadOptions {
  /** called as reading advances, at least once per chunk or batch */
  onProgress?: ProgressFn;
  /**
   * Read these bytes (standard input, a socket) instead of opening the
   * file: `file` then only names the input in messages. NDJSON and CSV only;
   * progress reports a total of 0 (unknown). Iterated with for await, so a
   * Readable is destroyed when reading stops early.
   */
  input?: AsyncIterable<Uint8Array | string>;
}

/** Bytes of `input` (or of the file) as Buffers. */
export async function* bytesOf(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
  for await (const c of input) {
    yield typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
}
