import fs from 'node:fs';
import { ShandianError } from '../model/errors.js';
import type { ProgressFn, RecordItem } from './record-item.js';

/**
 * NDJSON, streamed: lines are split on bytes (so a multi-byte character can
 * never be cut), blank lines skipped, each line parsed on its own. A line that
 * is not a JSON object is an error item, so `--skip-bad` can go on past it.
 */
export async function* readNdjson(file: string, onProgress?: ProgressFn): AsyncGenerator<RecordItem> {
  const total = fs.statSync(file).size;
  let carry: Buffer | undefined;
  let line = 0;
  let read = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    read += chunk.length;
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      line++;
      const item = parseLine(buf, start, nl, line, file);
      if (item) yield item;
      start = nl + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : undefined;
    onProgress?.(read, total);
  }
  if (carry && carry.length) {
    const item = parseLine(carry, 0, carry.length, line + 1, file);
    if (item) yield item;
  }
}

function parseLine(buf: Buffer, start: number, end: number, line: number, file: string): RecordItem | undefined {
  if (end > start && buf[end - 1] === 13) end--; // CRLF
  let text = buf.toString('utf8', start, end);
  if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: new ShandianError('E_BAD_RECORD', `not valid JSON: ${(e as Error).message}`, { file, line },
      'each line must be one JSON object'), line };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: new ShandianError('E_BAD_RECORD', 'a line must hold one JSON object', { file, line }), line };
  }
  return { raw: value as Record<string, unknown>, line };
}
