import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { fail, ShandianError } from '../model/errors.js';
import { CsvParser, CsvRowTooLong } from './csv-parser.js';
import { ORDER_ROW_COLUMNS, OrderRowGrouper, quantityFromText, tsFromText, type OrderRow } from './group-order-rows.js';
import { bytesOf, type RecordItem, type ReadOptions } from './record-item.js';
import { inputSize, TO_UTF8, wideEncoding } from './source-file.js';

export interface CsvOptions extends ReadOptions {
  /** a longer row is a fatal error (it means an unclosed quote); default 64 MiB */
  maxRowBytes?: number;
}

const LF = 10;
const DEFAULT_MAX_ROW = 64 * 1024 * 1024;
const SLICE = 32 * 1024;

/**
 * CSV order lines (RFC 4180, UTF-8 with optional BOM), streamed and grouped
 * into orders. The header row is required and must name every column of
 * ORDER_ROW_COLUMNS exactly once, in any order; other columns are ignored.
 *
 * Bytes are cut at line feeds before decoding: a LF byte never occurs inside
 * a multi-byte UTF-8 character, so each piece decodes on its own and invalid
 * UTF-8 is pinned to its line. Invalid UTF-8 and a runaway row (unclosed
 * quote) are fatal: the parser cannot find the next row boundary after them.
 */
export async function* readCsv(file: string, options: CsvOptions = {}): AsyncGenerator<RecordItem> {
  const total = options.input ? 0 : await inputSize(file);
  const maxRow = options.maxRowBytes ?? DEFAULT_MAX_ROW;
  const grouper = new OrderRowGrouper(file);
  let header: { width: number; index: number[]; names: string[]; line: number } | undefined;
  let pending: RecordItem[] = [];

  // set while the row holding invalid UTF-8 goes through the parser
  let poison: ShandianError | undefined;

  const onRow = (fields: string[], line: number, error: string | undefined) => {
    if (!header) {
      if (!poison) header = readHeader(fields, file, line);
      return;
    }
    const orderId = header.index[0]! < fields.length ? fields[header.index[0]!] : undefined;
    if (poison) {
      // the row's order (if it can be told) is spoiled; an order before it is complete
      pending.push(...grouper.addBad(orderId, poison, line));
      const last = grouper.flush();
      if (last) pending.push(last);
      return;
    }
    if (error !== undefined || fields.length !== header.width) {
      const problem = error !== undefined
        ? new ShandianError('E_BAD_RECORD', `malformed CSV: ${error}`, { file, line },
          'RFC 4180: quote a field that holds a comma, a quote or a line break, and double each quote inside it')
        : new ShandianError('E_BAD_RECORD',
          `expected ${header.width} columns as in the header at line ${header.line} (${headerText(header.names)}), got ${fields.length}`,
          { file, line }, 'write one value per header column; quote a value that holds a comma, like "a,b"');
      pending.push(...grouper.addBad(orderId, problem, line));
      return;
    }
    const ix = header.index;
    const row: OrderRow = {
      order_id: fields[ix[0]!], customer_id: fields[ix[1]!], ts: tsFromText(fields[ix[2]!]), shop: fields[ix[3]!],
      status: fields[ix[4]!], sku: fields[ix[5]!], category: fields[ix[6]!], quantity: quantityFromText(fields[ix[7]!]),
      amount: fields[ix[8]!],
    };
    const done = grouper.add(row, line);
    if (done) pending.push(done);
  };
  const parser = new CsvParser(onRow, maxRow);

  /** Decodes and parses whole lines; a fatal item when they cannot be. */
  const feed = (bytes: Buffer): RecordItem | undefined => {
    try {
      if (isUtf8(bytes) && bytes.indexOf(0) === -1) {
        parser.push(bytes.toString('utf8'));
        return undefined;
      }
      // parse the good lines before the bad one, then let the bad line's row
      // settle which order it spoils, then stop
      const bad = startOfInvalidUtf8Line(bytes);
      parser.push(bytes.toString('utf8', 0, bad));
      const lf = bytes.indexOf(LF, bad);
      const badLine = bytes.subarray(bad, lf === -1 ? bytes.length : lf);
      const error = isUtf8(badLine)
        ? new ShandianError('E_BAD_RECORD', 'the line holds a NUL byte: this is binary data or UTF-16 text, not UTF-8 text', { file, line: parser.currentLine }, TO_UTF8)
        : new ShandianError('E_BAD_RECORD', 'the line is not valid UTF-8', { file, line: parser.currentLine }, TO_UTF8);
      poison = error;
      parser.push(bytes.toString('utf8', bad, lf === -1 ? bytes.length : lf + 1));
      parser.end();
      pending = pending.filter((item) => item.error !== error);
      return fatal(error);
    } catch (e) {
      if (!(e instanceof CsvRowTooLong)) throw e;
      return stop(new ShandianError('E_BAD_RECORD', e.reason, { file, line: e.line }, 'is a quote left open?'));
    }
  };

  /**
   * A fatal problem inside the row being parsed: that row's order (when its
   * order_id was already read) is spoiled, an order before it is complete.
   */
  const stop = (error: ShandianError): RecordItem => {
    const id = header ? parser.partialField(header.index[0]!) : undefined;
    if (header) pending.push(...grouper.addBad(id, error, error.where.line ?? 1));
    const last = grouper.flush();
    if (last) pending.push(last);
    pending = pending.filter((item) => item.error !== error);
    return fatal(error);
  };

  // bytes of the current, unfinished line
  let parts: Buffer[] = [];
  let partsBytes = 0;
  let read = 0;
  let atStart = true;
  const stream = options.input ? undefined : fs.createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (let chunk of stream ?? bytesOf(options.input!)) {
      read += chunk.length;
      if (atStart && chunk.length > 0) {
        atStart = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3); // BOM
        const wide = wideEncoding(chunk, file);
        if (wide) {
          yield fatal(wide);
          throw wide;
        }
      }
      const lastLf = chunk.lastIndexOf(LF);
      if (lastLf === -1) {
        parts.push(chunk);
        partsBytes += chunk.length;
        if (partsBytes > maxRow) {
          const item = stop(new ShandianError('E_BAD_RECORD', `a line is longer than ${maxRow} bytes`,
            { file, line: parser.currentLine }, 'is this really CSV?'));
          yield* pending;
          yield item;
          throw item.error;
        }
      } else {
        const head = chunk.subarray(0, lastLf + 1);
        const bytes = parts.length ? Buffer.concat([...parts, head], partsBytes + head.length) : head;
        parts = lastLf + 1 < chunk.length ? [chunk.subarray(lastLf + 1)] : [];
        partsBytes = chunk.length - lastLf - 1;
        // parse in slices of whole lines so records are handed on while young
        // (a whole chunk's worth of pending records costs much more in GC)
        for (let from = 0; from < bytes.length; ) {
          const cut = from + SLICE >= bytes.length ? bytes.length : bytes.indexOf(LF, from + SLICE) + 1 || bytes.length;
          const bad = feed(bytes.subarray(from, cut));
          from = cut;
          yield* pending;
          pending = [];
          if (bad) {
            yield bad;
            throw bad.error;
          }
        }
      }
      options.onProgress?.(read, total);
    }
  } catch (e) {
    throw fail.inputFile(file, e);
  } finally {
    stream?.destroy();
  }
  if (partsBytes > 0) {
    const bad = feed(Buffer.concat(parts, partsBytes));
    if (bad) {
      yield* pending;
      yield bad;
      throw bad.error;
    }
  }
  parser.end();
  if (!header) throw new ShandianError('E_BAD_RECORD', 'the file is empty: a header row is required', { file, line: 1 }, `write the header ${ORDER_ROW_COLUMNS.join(',')}`);
  const last = grouper.flush();
  if (last) pending.push(last);
  yield* pending;
}

/** The header as written, shortened when it is very wide. */
function headerText(names: string[]): string {
  const text = names.join(',');
  return text.length > 200 ? text.slice(0, 197) + '...' : text;
}

/** Column positions of ORDER_ROW_COLUMNS in the header row. */
function readHeader(fields: string[], file: string, line: number): { width: number; index: number[]; names: string[]; line: number } {
  const missing = ORDER_ROW_COLUMNS.filter((c) => !fields.includes(c));
  const hint = `the first row must name the columns ${ORDER_ROW_COLUMNS.join(',')} (any order)`;
  if (missing.length) {
    throw new ShandianError('E_BAD_RECORD', `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, { file, line }, hint);
  }
  const twice = ORDER_ROW_COLUMNS.filter((c) => fields.indexOf(c) !== fields.lastIndexOf(c));
  if (twice.length) {
    throw new ShandianError('E_BAD_RECORD', `the header names ${twice.join(', ')} more than once`, { file, line }, hint);
  }
  return { width: fields.length, index: ORDER_ROW_COLUMNS.map((c) => fields.indexOf(c)), names: fields, line };
}

/** Byte offset of the start of the first line of `bytes` that is not valid UTF-8 or holds a NUL byte. */
function startOfInvalidUtf8Line(bytes: Buffer): number {
  let start = 0;
  for (;;) {
    const lf = bytes.indexOf(LF, start);
    if (lf === -1) return start;
    const line = bytes.subarray(start, lf);
    if (!isUtf8(line) || line.indexOf(0) !== -1) return start;
    start = lf + 1;
  }
}

function fatal(error: ShandianError): RecordItem & { error: ShandianError } {
  return { error, line: error.where.line ?? 1, fatal: true };
}
