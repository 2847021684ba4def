import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { fail, ShandianError } from '../model/errors.js';
import { bytesOf, type RecordItem, type ReadOptions } from './record-item.js';
import { inputSize, TO_UTF8, wideEncoding } from './source-file.js';
import { show } from './validate-record.js';

export interface NdjsonOptions extends ReadOptions {
  /** a longer line is reported as bad (and skipped) instead of being buffered; default 64 MiB */
  maxLineBytes?: number;
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
  const stream = options.input ? undefined : fs.createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream ?? bytesOf(options.input!)) {
      if (read === 0) {
        const wide = wideEncoding(chunk, file);
        if (wide) {
          yield { error: wide, line: 1, fatal: true };
          throw wide;
        }
      }
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
    throw fail.inputFile(file, e);
  } finally {
    stream?.destroy();
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
  if (!isUtf8(bytes)) return bad(file, line, 'the line is not valid UTF-8', TO_UTF8);
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (bytes.indexOf(0) !== -1) return bad(file, line, 'the line holds a NUL byte: this is binary data or UTF-16 text, not UTF-8 JSON', TO_UTF8);
    return bad(file, line, `not valid JSON: ${(e as Error).message}`, ONE_OBJECT);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : show(value);
    return bad(file, line, `each line must be a JSON object, got ${got}`, ONE_OBJECT);
  }
  // JSON.parse keeps the last of two equal keys without a word: refuse instead
  if (keyTokens(text) !== keyCount(value)) {
    const dup = duplicateKey(text);
    if (dup) {
      return bad(file, line, `duplicate key ${JSON.stringify(dup.key)}${dup.path ? ` in ${dup.path}` : ''}`,
        'write each key once per object: which of two values wins is not defined');
    }
  }
  return { raw: value as Record<string, unknown>, line };
}

const ONE_OBJECT = 'each line must hold one JSON object like {"type":"order",...}';

/**
 * An upper bound on the number of object keys written in valid JSON text:
 * every key is a string followed (after optional whitespace) by a colon, so
 * counting the colons whose previous non-blank character is a quote counts
 * every key, plus any `\":` inside string values (then the exact scan
 * decides). Equal to keyCount of the parsed value, it proves there is no
 * duplicate key; the clean path costs a few indexOf calls per line.
 */
function keyTokens(text: string): number {
  let n = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    let j = i - 1;
    let c = text.charCodeAt(j);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(--j);
    if (c === 34) n++;
  }
  return n;
}

/** Keys of an object and of all objects inside it (hot: one call per line). */
function keyCount(o: object): number {
  let n = 0;
  for (const k in o) {
    n++;
    const v = (o as Record<string, unknown>)[k];
    if (typeof v === 'object' && v !== null) n += Array.isArray(v) ? keyCountInArray(v) : keyCount(v);
  }
  return n;
}

function keyCountInArray(a: unknown[]): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v === 'object' && v !== null) n += Array.isArray(v) ? keyCountInArray(v) : keyCount(v);
  }
  return n;
}

interface Frame {
  object: boolean;
  path: string;
  seen: Set<string> | undefined;
  key: string;
  index: number;
  expectKey: boolean;
}

/**
 * The first key written twice in one object of valid JSON text, with the
 * path of that object (`lines[0]`, `attrs`; '' for the line's own object).
 * Iterative, so deep nesting cannot overflow the stack.
 */
export function duplicateKey(text: string): { key: string; path: string } | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 34) {
      const start = i++;
      for (;;) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else {
          i++;
          if (d === 34 || Number.isNaN(d)) break;
        }
      }
      if (top?.object && top.expectKey) {
        const key = JSON.parse(text.slice(start, i)) as string;
        if (top.seen!.has(key)) return { key, path: top.path };
        top.seen!.add(key);
        top.key = key;
        top.expectKey = false;
      }
      continue;
    }
    if (c === 123 || c === 91) {
      const path = !top ? '' : top.object ? (top.path ? `${top.path}.${top.key}` : top.key) : `${top.path}[${top.index}]`;
      const object = c === 123;
      stack.push({ object, path, seen: object ? new Set() : undefined, key: '', index: 0, expectKey: object });
    } else if (c === 125 || c === 93) {
      stack.pop();
    } else if (c === 44 && top) {
      if (top.object) top.expectKey = true;
      else top.index++;
    }
    i++;
  }
  return undefined;
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
