import type fs from 'node:fs';
import { ShandianError } from '../model/errors.js';

/**
 * Checks what an Arrow IPC file says about itself before the Arrow library
 * trusts it (issue 13, fuzz findings F1 and F2): every message and footer
 * must lie inside the file, every message where a block says (of the kind
 * the block is for), every flatbuffer table the library follows inside its
 * buffer, every vector it loops over no longer than its buffer, and a
 * record batch may not claim more rows than its body can hold. The library
 * checks none of this: a damaged length sent it into an endless re-read of
 * one block (F1), a vector length of 2^31 into a loop decoding field nodes
 * that are not there (F2), a footer length into a 2 GiB allocation. What
 * the library reads harmlessly (strings, body buffers, elements of a vector
 * past its buffer, which read as zeros) is left to it.
 *
 * Reads only the metadata (the bodies are skipped), so it costs a few small
 * reads per batch. Throws ArrowLayoutError; read-arrow.ts turns that into
 * E_BAD_RECORD.
 */
export class ArrowLayoutError extends ShandianError {
  constructor(reason: string) {
    // the reason is internal detail: read-arrow.ts's malformed() reports it with the file, row and a hint
    super('E_BAD_RECORD', reason, {}, 'write the whole file again, e.g. with tableToIPC or pyarrow.ipc');
  }
}

const CONTINUATION = 0xffffffff;
/** Schema, DictionaryBatch, RecordBatch (Tensor and SparseTensor are not data we read) */
const HEADER_SCHEMA = 1;
const HEADER_DICTIONARY = 2;
const HEADER_RECORD_BATCH = 3;
const BLOCK_SIZE = 24;
const FIELD_NODE_SIZE = 16;
const BUFFER_SIZE = 16;
const MAX_DEPTH = 64;

function bad(reason: string): never {
  throw new ArrowLayoutError(`Arrow layout: ${reason}`);
}

/** A bounds-checked flatbuffer reader over one metadata buffer. */
class Flat {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(pos: number, n: number): void {
    if (!(pos >= 0 && pos + n <= this.bytes.byteLength)) bad(`metadata reference ${pos}+${n} outside its ${this.bytes.byteLength} bytes`);
  }
  u16(pos: number): number {
    this.need(pos, 2);
    return this.view.getUint16(pos, true);
  }
  i32(pos: number): number {
    this.need(pos, 4);
    return this.view.getInt32(pos, true);
  }
  u32(pos: number): number {
    this.need(pos, 4);
    return this.view.getUint32(pos, true);
  }
  i64(pos: number): number {
    this.need(pos, 8);
    const v = this.view.getBigInt64(pos, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) bad(`64-bit value ${v} out of range`);
    return Number(v);
  }
  /** An int64 file offset; past the safe range it is Infinity (past any file). */
  offset64(pos: number): number {
    this.need(pos, 8);
    const v = this.view.getBigInt64(pos, true);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
  }
  u8(pos: number): number {
    this.need(pos, 1);
    return this.bytes[pos]!;
  }

  /** The table the root offset points at. */
  root(): number {
    return this.table(this.u32(0));
  }

  /**
   * Checks a table at `pos` (its vtable's size inside the buffer) and returns
   * pos; each field read later is checked on its own (a vtable may claim
   * more than the buffer holds where no field is read, and the library does
   * not mind).
   */
  table(pos: number): number {
    const vtable = pos - this.i32(pos);
    this.u16(vtable);
    return pos;
  }

  /** Position of field `k` of the table at `pos`, or 0 when absent. */
  field(pos: number, k: number): number {
    const vtable = pos - this.i32(pos);
    const at = 4 + 2 * k;
    if (at >= this.u16(vtable)) return 0;
    const off = this.u16(vtable + at);
    if (off === 0) return 0;
    this.need(pos + off, 1);
    return pos + off;
  }

  /** The table a field refers to, or 0 when absent. */
  child(pos: number, k: number): number {
    const f = this.field(pos, k);
    return f ? this.table(f + this.u32(f)) : 0;
  }

  /**
   * The vector a field refers to: its element start, its length, and how
   * many of its elements lie inside the buffer (`inside`). The library reads
   * elements past the end as zeros without complaint, and loops over all
   * `length` of them: so the length is bounded by the buffer's size (one
   * element a byte), which bounds that loop, and only elements inside are
   * looked at here. Length 0 when absent.
   */
  vector(pos: number, k: number, elementSize: number): { start: number; length: number; inside: number } {
    const f = this.field(pos, k);
    if (!f) return { start: 0, length: 0, inside: 0 };
    const at = f + this.u32(f);
    const length = this.u32(at);
    if (length > this.bytes.byteLength) bad(`a vector of ${length} elements in ${this.bytes.byteLength} bytes of metadata`);
    const start = at + 4;
    const inside = Math.max(0, Math.min(length, Math.floor((this.bytes.byteLength - start) / elementSize)));
    return { start, length, inside };
  }

  /** A vector of tables: the position of each element inside the buffer, its table checked. */
  tables(pos: number, k: number): number[] {
    const { start, inside } = this.vector(pos, k, 4);
    const out: number[] = [];
    for (let i = 0; i < inside; i++) {
      const at = start + 4 * i;
      out.push(this.table(at + this.u32(at)));
    }
    return out;
  }

  scalar64(pos: number, k: number): number {
    const f = this.field(pos, k);
    return f ? this.i64(f) : 0;
  }

  scalar8(pos: number, k: number): number {
    const f = this.field(pos, k);
    return f ? this.u8(f) : 0;
  }
}

/**
 * The custom metadata of a table: a vector of KeyValue tables, which the
 * library iterates. Strings (keys, values, names) are not checked: the
 * library decodes what of them lies inside the buffer, and no more.
 */
function checkMetadataPairs(flat: Flat, pos: number, k: number): void {
  flat.tables(pos, k);
}

/** A schema's fields, children included, with a bound on their number and depth (a child may point back). */
function checkSchema(flat: Flat, schema: number): void {
  let seen = 0;
  const limit = Math.floor(flat.bytes.byteLength / 4);
  const visit = (fields: number[], depth: number): void => {
    if (depth > MAX_DEPTH) bad(`fields nested deeper than ${MAX_DEPTH}`);
    for (const field of fields) {
      if (++seen > limit) bad('more fields than the schema has bytes for');
      const type = flat.field(field, 3);
      if (type) flat.table(type + flat.u32(type));
      flat.child(field, 4); // dictionary encoding
      checkMetadataPairs(flat, field, 6);
      visit(flat.tables(field, 5), depth + 1);
    }
  };
  visit(flat.tables(schema, 1), 0);
  checkMetadataPairs(flat, schema, 2);
  flat.vector(schema, 3, 8); // features
}

/**
 * A record batch: its vectors (nodes, buffers, variadic counts) bounded, and
 * its row count, which the reader loops over, one the body can hold. Body
 * buffers outside the body and odd node counts are the library's to judge:
 * it reads what lies inside (a validity buffer of a column without nulls is
 * not read at all), it does not loop on them.
 */
function checkRecordBatch(flat: Flat, batch: number, bodyLength: number): void {
  const rows = flat.scalar64(batch, 0);
  flat.vector(batch, 1, FIELD_NODE_SIZE);
  flat.vector(batch, 2, BUFFER_SIZE);
  const compressed = flat.child(batch, 3) !== 0;
  flat.vector(batch, 4, 8); // variadic buffer counts
  if (rows < 0) bad(`record batch of ${rows} rows`);
  // every column type a reader accepts takes at least one body byte per row
  // (offsets, values or dictionary indices); 8 rows a byte leaves room for
  // bit-packed columns. A compressed body can legitimately hold more.
  if (!compressed && rows > 8 * bodyLength + 8) bad(`record batch of ${rows} rows in a ${bodyLength}-byte body`);
}

/** One message's metadata (the flatbuffer after its length prefix); returns its header type and body length. */
export function checkMessage(bytes: Uint8Array, bodyRoom: number): { header: number; bodyLength: number } {
  const flat = new Flat(bytes);
  const msg = flat.root();
  const header = flat.scalar8(msg, 1);
  const bodyLength = flat.scalar64(msg, 3);
  if (bodyLength < 0 || bodyLength > bodyRoom) bad(`message body of ${bodyLength} bytes where ${bodyRoom} remain`);
  checkMetadataPairs(flat, msg, 4);
  const body = flat.child(msg, 2);
  if (header === HEADER_SCHEMA && body) checkSchema(flat, body);
  else if (header === HEADER_RECORD_BATCH && body) checkRecordBatch(flat, body, bodyLength);
  else if (header === HEADER_DICTIONARY && body) {
    const data = flat.child(body, 1);
    if (data) checkRecordBatch(flat, data, bodyLength);
  }
  return { header, bodyLength };
}

async function readAt(handle: fs.promises.FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) bad(`the file ends inside ${position}+${length}`);
    got += bytesRead;
  }
  return buf;
}

/** The metadata length prefix at `pos`: its size (8 with the continuation marker, 4 without) and the length. */
async function prefixAt(handle: fs.promises.FileHandle, pos: number, size: number): Promise<{ prefix: number; length: number }> {
  const head = await readAt(handle, pos, Math.min(8, size - pos));
  const view = new DataView(head.buffer);
  if (head.length < 4) bad(`message prefix at ${pos} cut off`);
  if (view.getUint32(0, true) === CONTINUATION) {
    if (head.length < 8) bad(`message prefix at ${pos} cut off`);
    return { prefix: 8, length: view.getInt32(4, true) };
  }
  return { prefix: 4, length: view.getInt32(0, true) };
}

/** A footer block: where its message starts (its own two lengths the library ignores, and so does this check). */
interface FileBlock {
  offset: number;
}

/**
 * The file format: the footer (inside the file, its schema and block vectors
 * inside the footer) and each dictionary block, which the library reads on
 * opening, must hold; then each record-batch block (inside the file, its
 * message inside the block, a record batch). Returns the number of record
 * batches and the first damaged one (the batches before it can be read).
 */
export async function checkArrowFile(handle: fs.promises.FileHandle, size: number): Promise<{ batches: number; damaged?: { index: number; error: ArrowLayoutError } }> {
  if (size < 8 + 10) bad('too short for the file format');
  const tail = await readAt(handle, size - 10, 10);
  const footerLength = new DataView(tail.buffer).getInt32(0, true);
  if (footerLength <= 0 || footerLength > size - 8 - 10) bad(`footer of ${footerLength} bytes`);
  const flat = new Flat(await readAt(handle, size - 10 - footerLength, footerLength));
  const footer = flat.root();
  const schema = flat.child(footer, 1);
  if (!schema) bad('the footer has no schema');
  checkSchema(flat, schema);
  checkMetadataPairs(flat, footer, 4);
  const end = size - 10 - footerLength;
  // a block past the footer's end reads as zeros (offset 0): damage at that index
  const blocksOf = (k: number): Array<FileBlock | undefined> => {
    const { start, length, inside } = flat.vector(footer, k, BLOCK_SIZE);
    const out: Array<FileBlock | undefined> = [];
    for (let i = 0; i < length; i++) {
      const at = start + BLOCK_SIZE * i;
      out.push(i < inside ? { offset: flat.offset64(at) } : undefined);
    }
    return out;
  };
  // what the library reads of a block: the message at its offset, whose own
  // lengths it follows (the block's lengths it ignores: not checked either)
  const checkBlock = async (b: FileBlock | undefined, want: number): Promise<void> => {
    if (!b) bad('a block past the end of the footer');
    if (b.offset < 8 || b.offset >= end) bad(`block at ${b.offset} outside the data part (8-${end})`);
    const { prefix, length } = await prefixAt(handle, b.offset, size);
    const start = b.offset + prefix + length;
    if (length <= 0 || start > size) bad(`message of ${length} bytes at ${b.offset} in a ${size}-byte file`);
    const m = checkMessage(await readAt(handle, b.offset + prefix, length), size - start);
    if (m.header !== want) bad(`a block of message type ${m.header}, not ${want}`);
  };
  // a dictionary block past the end the library skips (its seek fails)
  for (const b of blocksOf(2)) if (!b || b.offset < size) await checkBlock(b, HEADER_DICTIONARY);
  const batches = blocksOf(3);
  for (let index = 0; index < batches.length; index++) {
    try {
      await checkBlock(batches[index]!, HEADER_RECORD_BATCH);
    } catch (error) {
      if (!(error instanceof ArrowLayoutError)) throw error;
      return { batches: batches.length, damaged: { index, error } };
    }
  }
  return { batches: batches.length };
}

/**
 * The stream format: message after message from the start, each prefix,
 * metadata and body inside the file, up to the end-of-stream marker or the
 * end of the file. Returns the first damaged message as the number of
 * record batches before it (those can be read), or undefined when all hold.
 */
export async function checkArrowStream(handle: fs.promises.FileHandle, size: number): Promise<{ batchesBefore: number; error: ArrowLayoutError } | undefined> {
  let pos = 0;
  let batches = 0;
  try {
    while (pos + 4 <= size) {
      const { prefix, length } = await prefixAt(handle, pos, size);
      if (length === 0) return undefined; // end of stream
      if (length < 0 || pos + prefix + length > size) bad(`message of ${length} bytes at ${pos} in a ${size}-byte file`);
      const start = pos + prefix + length;
      const m = checkMessage(await readAt(handle, pos + prefix, length), size - start);
      pos = start + m.bodyLength;
      if (m.header === HEADER_RECORD_BATCH) batches++;
    }
    return undefined;
  } catch (error) {
    if (!(error instanceof ArrowLayoutError)) throw error;
    return { batchesBefore: batches, error };
  }
}
