import fs from 'node:fs';
import { RecordBatchReader, type DataType, type RecordBatch, type Schema } from 'apache-arrow';
import { fail, ShandianError } from '../model/errors.js';
import { columnReader, unsupportedColumn } from './arrow-cells.js';
import { ArrowLayoutError, checkArrowFile, checkArrowStream } from './arrow-layout.js';
import { ORDER_ROW_COLUMNS, OrderRowGrouper, type OrderRow, type OrderRowColumn } from './group-order-rows.js';
import type { RecordItem, ReadOptions } from './record-item.js';
import { inputSize } from './source-file.js';

const FILE_MAGIC = 'ARROW1';
const CONTINUATION = 0xffffffff;

/**
 * Arrow IPC, file or stream format (told apart by the `ARROW1` magic), with
 * the CSV columns; rows are grouped into orders as in CSV. Read batch by
 * batch through a file handle: the file format by seeking to each batch the
 * footer lists, the stream format front to back; never the whole table.
 *
 * `line` is the 1-based data row over the whole file (row 1 is the first row
 * of the first batch), the Arrow analogue of a CSV line.
 */
export async function* readArrow(file: string, options: ReadOptions = {}): AsyncGenerator<RecordItem> {
  if (options.input) {
    throw new ShandianError('E_BAD_ARGS', 'Arrow input must be a file, not a stream', { file }, 'write the Arrow data to a .arrow file and ingest that');
  }
  const total = await inputSize(file);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (e) {
    throw fail.inputFile(file, e);
  }
  let read = 0;
  try {
    const layout = await checkLayout(handle, await sniff(handle, file, total), total, file);
    const counted = guardedHandle(handle, total, (n) => (read += n));
    const grouper = new OrderRowGrouper(file);
    let row = 0;
    let reader: Awaited<ReturnType<typeof openReader>>;
    try {
      reader = await openReader(counted);
    } catch (e) {
      throw malformed(file, 1, e);
    }
    const schema = reader.schema as Schema | undefined;
    if (!schema) throw new ShandianError('E_BAD_RECORD', 'the Arrow data has no schema', { file, line: 1 }, WRITE_ARROW);
    const columns = checkSchema(schema, file);
    const batches = checkedBatches(reader, layout, file);
    for (;;) {
      let next: IteratorResult<RecordBatch>;
      try {
        next = await batches.next();
      } catch (e) {
        // truncated or corrupt after some rows: those stay applied, but an
        // order still open may go on in the damaged part, so it is dropped
        const open = grouper.openLine;
        const error = malformed(file, open ?? row + 1, e,
          open === undefined ? '' : ` (rows ${open}-${row} are one order that may go on past the damage: not applied)`);
        yield { error, line: error.where.line!, fatal: true };
        throw error;
      }
      if (next.done) break;
      const batch = next.value;
      const cells = columns.map((c) => columnReader(c, batch.data.children[c.index]!));
      for (let i = 0; i < batch.numRows; i++) {
        row++;
        const r = {} as OrderRow;
        for (let k = 0; k < cells.length; k++) r[ORDER_ROW_COLUMNS[k]!] = cells[k]!(i);
        const done = grouper.add(r, row);
        if (done) yield done;
      }
      options.onProgress?.(Math.min(read, total), total);
    }
    const last = grouper.flush();
    if (last) yield last;
    options.onProgress?.(total, total);
  } finally {
    await handle.close().catch(() => {});
  }
}

async function openReader(handle: fs.promises.FileHandle) {
  const reader = await RecordBatchReader.from(handle);
  return reader.open();
}

/** Refuses what is not Arrow IPC before the library sees it, with a plain reason; tells the file format from the stream format. */
async function sniff(handle: fs.promises.FileHandle, file: string, size: number): Promise<'file' | 'stream'> {
  const head = Buffer.alloc(8);
  const { bytesRead } = await handle.read(head, 0, 8, 0);
  if (bytesRead === 0) throw new ShandianError('E_BAD_RECORD', 'the file is empty: not Arrow IPC', { file, line: 1 }, WRITE_ARROW);
  if (head.toString('latin1', 0, 6) === FILE_MAGIC) return 'file';
  // stream format: messages start with the 0xFFFFFFFF continuation marker
  // (or, before Arrow 0.15, directly with a positive metadata length)
  if (bytesRead >= 4) {
    const first = head.readUInt32LE(0);
    if (first === CONTINUATION || (first > 0 && first < size)) return 'stream';
  }
  throw new ShandianError('E_BAD_RECORD', 'not an Arrow IPC file or stream', { file, line: 1 }, WRITE_ARROW);
}

type BatchReader = Awaited<ReturnType<typeof openReader>>;

/**
 * The record batches the layout check let through, then the damage it found
 * (if any) as the error of the next batch: the file format one batch per
 * footer block through readRecordBatch (the library's own iteration re-reads
 * a block forever when the message there is no record batch, F1), the
 * stream format through the library's iteration.
 */
function checkedBatches(reader: BatchReader, layout: Layout, file: string): AsyncIterator<RecordBatch> {
  let i = 0;
  const stream = layout.kind === 'stream' ? reader[Symbol.asyncIterator]() : undefined;
  return {
    async next(): Promise<IteratorResult<RecordBatch>> {
      if (i === layout.good) {
        if (layout.damage) throw layout.damage;
        if (stream) return stream.next();
        return { done: true, value: undefined };
      }
      i++;
      if (stream) return stream.next();
      const batch = (await reader.readRecordBatch(i - 1)) as RecordBatch | null;
      if (!batch) throw malformed(file, 1, undefined);
      return { done: false, value: batch };
    },
  };
}

/** What checkArrowFile or checkArrowStream found: the batches that may be read, and the damage after them. */
interface Layout {
  kind: 'file' | 'stream';
  /** record batches before the damage (all of them for the file format without damage); Infinity for an undamaged stream */
  good: number;
  damage?: ArrowLayoutError;
}

async function checkLayout(handle: fs.promises.FileHandle, kind: 'file' | 'stream', size: number, file: string): Promise<Layout> {
  try {
    if (kind === 'file') {
      const r = await checkArrowFile(handle, size);
      return { kind, good: r.damaged?.index ?? r.batches, ...(r.damaged ? { damage: r.damaged.error } : {}) };
    }
    const r = await checkArrowStream(handle, size);
    return r ? { kind, good: r.batchesBefore, damage: r.error } : { kind, good: Infinity };
  } catch (e) {
    throw malformed(file, 1, e);
  }
}

interface Column {
  name: OrderRowColumn;
  index: number;
  type: DataType;
}

/** Every contract column present once and of a type we can read. */
function checkSchema(schema: Schema, file: string): Column[] {
  const names = schema.fields.map((f) => f.name);
  const missing = ORDER_ROW_COLUMNS.filter((c) => !names.includes(c));
  const hint = `give the columns ${ORDER_ROW_COLUMNS.join(', ')}`;
  if (missing.length) {
    throw new ShandianError('E_BAD_RECORD', `the Arrow schema lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, { file, line: 1 }, hint);
  }
  const twice = ORDER_ROW_COLUMNS.filter((c) => names.indexOf(c) !== names.lastIndexOf(c));
  if (twice.length) throw new ShandianError('E_BAD_RECORD', `the Arrow schema names ${twice.join(', ')} more than once`, { file, line: 1 }, hint);
  return ORDER_ROW_COLUMNS.map((name) => {
    const index = names.indexOf(name);
    const type = schema.fields[index]!.type;
    const problem = unsupportedColumn(name, type);
    if (problem) throw new ShandianError('E_BAD_RECORD', problem, { file, line: 1 }, hint);
    return { name, index, type };
  });
}

/** A read the Arrow library asked for that no well-formed file leads to (see guardedHandle). */
class DamagedArrow extends ArrowLayoutError {}

/**
 * The same file handle, counting the bytes the Arrow reader pulls through it
 * and refusing reads that only damaged lengths lead to, each of which can
 * make the library loop: a negative position (a negative length moved its
 * cursor back; Node reads from the current file position then), a read that
 * returns nothing before the end of the file (its read loop would spin), and
 * more bytes in all than a reader of this file can need (each message read
 * once, the footer and the schema twice: a loop re-reading a block).
 */
function guardedHandle(handle: fs.promises.FileHandle, size: number, onBytes: (n: number) => void): fs.promises.FileHandle {
  const budget = 3 * size + 4096;
  let total = 0;
  return new Proxy(handle, {
    get(target, prop) {
      if (prop === 'read') {
        return async (...args: Parameters<fs.promises.FileHandle['read']>) => {
          const [, , length, position] = args as unknown as [unknown, unknown, unknown, unknown];
          if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0 || position > size) {
            throw new DamagedArrow(`read at position ${String(position)}`);
          }
          const r = await (target.read as (...a: unknown[]) => Promise<fs.promises.FileReadResult<NodeJS.ArrayBufferView>>)(...args);
          if (r.bytesRead === 0 && typeof length === 'number' && length > 0 && position < size) throw new DamagedArrow('read returned nothing');
          total += r.bytesRead;
          if (total > budget) throw new DamagedArrow(`read ${total} bytes of a ${size}-byte file`);
          onBytes(r.bytesRead);
          return r;
        };
      }
      if (prop === 'close') return async () => {}; // closed by readArrow, once
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const WRITE_ARROW = 'write Arrow IPC (file or stream format), e.g. with tableToIPC or pyarrow.ipc';

/**
 * The Arrow library's failure on damaged data, in our words: its own
 * messages are internals (a TypeError reading a footer that is not there,
 * "Expected to read 1330795073 metadata bytes") and say nothing useful.
 */
function malformed(file: string, line: number, e: unknown, note = ''): ShandianError {
  if (e instanceof ShandianError && !(e instanceof ArrowLayoutError)) return e; // layout damage is said in our words below
  return new ShandianError('E_BAD_RECORD', `the Arrow file is truncated or not an Arrow IPC file${note}`, { file, line },
    'write the whole file again, e.g. with tableToIPC or pyarrow.ipc: a copy or a write that was cut short cannot be read');
}
