import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { ShandianError } from '../model/errors.js';
import type { RecordItem, ReadOptions } from './record-item.js';
import { inputSize, ioError } from './source-file.js';

export interface NdjsonOptions extends ReadOptions {
  /** a longer line is reported as bad (and skipped) instead of being buffered; default 64 MiB */
  maxLineBytes?: number;
  /** read these bytes (standard input) instead of opening `file`, which then only names them in errors */
  input?: NodeJS.ReadableStream;
}

const DEFAULT_MAX_LINE = 64 * 1024 * 1024;
const LF = 10;

/**
 * NDJSON, streamed. Lines are split on bytes, before decoding, so a
 * multi-byte character is never cut and invalid UTF-8 is caught per line.
 * Blank lines (JSON whitespace only) are skipped but counted. A line that is
 * not one JSON object is an error item: `--skip-bad` goes on past it.
 */
export async function* readNdjson(file: string, options: NdjsonOptions = {}): AsyncGenerator<RecordItem> {
  const total = options.input ? 0 : await inputSize(file);
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  // the start of the current line when it spans chunks
  let parts: Buffer[] = [];
  let partsBytes = 0;
  let overlong = false;
  let line = 0;
  let read = 0;
  const stream = (options.input ?? fs.createReadStream(file, { highWaterMark: 1 << 20 })) as NodeJS.ReadableStream & { destroy(): void };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      let start = 0;
      for (let nl = chunk.indexOf(LF, start); nl !== -1; nl = chunk.indexOf(LF, start)) {
        line++;
        let item: RecordItem | undefined;
        if (overlong || partsBytes + nl - start > maxLine) {
          item = tooLong(file, line, maxLine);
        } else if (parts.length) {
          parts.push(chunk.subarray(start, nl));
          item = parseLine(Buffer.concat(parts, partsBytes + nl - start), file, line);
        } else {
          item = parseLine(chunk.subarray(start, nl), file, line);
        }
        parts = [];
        partsBytes = 0;
        overlong = false;
        if (item) yield item;
        start = nl + 1;
      }
      if (start < chunk.length && !overlong) {
        if (partsBytes + chunk.length - start > maxLine) {
          overlong = true; // drop the bytes, keep reading to the end of this line
          parts = [];
          partsBytes = 0;
        } else {
          parts.push(chunk.subarray(start));
          partsBytes += chunk.length - start;
        }
      }
      options.onProgress?.(read, total);
    }
  } catch (e) {
    throw ioError(file, e);
  } finally {
    stream.destroy();
  }
  if (overlong || partsBytes > 0) {
    line++;
    const item = overlong ? tooLong(file, line, maxLine) : parseLine(Buffer.concat(parts, partsBytes), file, line);
    if (item) yield item;
  }
}

function parseLine(bytes: Buffer, file: string, line: number): RecordItem | undefined {
  // a byte order mark is allowed at the start of the file only
  if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if (isBlank(bytes)) return undefined;
  if (!isUtf8(bytes)) return bad(file, line, 'the line is not valid UTF-8', 'input files must be UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return bad(file, line, `not valid JSON: ${(e as Error).message}`, 'each line must hold one JSON object');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return bad(file, line, `a line must hold one JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value).slice(0, 40)}`);
  }
  return { raw: value as Record<string, unknown>, line };
}

/** Only JSON whitespace (space, tab, CR): a blank line. */
function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 32 && b !== 9 && b !== 13) return false;
  }
  return true;
}

function tooLong(file: string, line: number, max: number): RecordItem {
  return bad(file, line, `the line is longer than ${max} bytes`, 'one record per line; is this really NDJSON?');
}

function bad(file: string, line: number, reason: string, hint?: string): RecordItem {
  return { error: new ShandianError('E_BAD_RECORD', reason, { file, line }, hint), line };
}
