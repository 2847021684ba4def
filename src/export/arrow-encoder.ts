import {
  AsyncByteQueue,
  Bool,
  Field,
  Float64,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Utf8,
  type Data,
  type DataType,
} from 'apache-arrow';
import { Utf8ColumnBuilder } from '../gen/arrow-columns.js';
import { fail } from '../model/errors.js';
import type { AttrValue } from '../model/records.js';
import type { ExportColumn } from './export-columns.js';
import type { ExportEncoder } from './export-encoder.js';
import type { AttrCells, MemberBatch, SegmentPart, TagCells } from './member-batches.js';

/** Collects what the Arrow writer emits, so the caller writes it with backpressure (see gen/write-arrow.ts). */
class ChunkCollector extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];

  override write(value: Parameters<AsyncByteQueue['write']>[0]): void {
    if (ArrayBuffer.isView(value)) this.chunks.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    else if (value instanceof ArrayBuffer) this.chunks.push(new Uint8Array(value));
    else throw fail.internal('unexpected chunk from the Arrow writer');
  }

  take(): Uint8Array[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}

/**
 * The Arrow type of an attribute column: Float64 when every value a customer
 * holds (in any shard) is a number, Utf8 otherwise (strings, or a mix, where
 * a number is written as JavaScript prints it); Utf8 when nobody holds it.
 */
export function attributeArrowType(parts: readonly SegmentPart[], name: string): 'number' | 'string' {
  let numbers = false, strings = false;
  for (const { shard } of parts) {
    const kinds = shard.attributes.get(name)?.heldKinds();
    numbers ||= kinds?.numbers ?? false;
    strings ||= kinds?.strings ?? false;
  }
  return numbers && !strings ? 'number' : 'string';
}

/** The export's Arrow schema: customer_id Utf8, then a field per column (nullable attributes, non-null Bool tags). */
export function exportSchema(columns: readonly ExportColumn[], attrTypes: ReadonlyMap<string, 'number' | 'string'>): Schema {
  return new Schema([
    new Field('customer_id', new Utf8(), false),
    ...columns.map((c) => c.kind === 'tag'
      ? new Field(c.label, new Bool(), false)
      : new Field(c.label, attrTypes.get(c.name) === 'number' ? new Float64() : new Utf8(), true)),
  ]);
}

const encoder = new TextEncoder();

/**
 * An Arrow IPC stream: the schema message, one record batch per member
 * batch (at most TUNING.EXPORT_BATCH_ROWS rows), the end-of-stream marker.
 * A column is typed before the first batch (attributeArrowType); a value
 * that a concurrent append changed to the other type mid-export is null in
 * a Float64 column (a Utf8 column prints a number).
 */
export class ArrowEncoder implements ExportEncoder {
  private readonly collector = new ChunkCollector();
  private readonly writer = new RecordBatchStreamWriter();
  readonly schema: Schema;
  private readonly numeric: boolean[];
  /** UTF-8 bytes of a shard's attribute values, by value list and index */
  private readonly ids = new Utf8ColumnBuilder();
  private readonly bytesCache = new WeakMap<readonly AttrValue[], (Uint8Array | undefined)[]>();

  /**
   * `typing`: the segment's parts (each attribute typed by attributeArrowType),
   * or each attribute's type decided elsewhere by the same rule (the
   * ClickHouse backend asks the cluster; a name missing: Utf8).
   */
  constructor(private readonly columns: readonly ExportColumn[], typing: readonly SegmentPart[] | ReadonlyMap<string, 'number' | 'string'>) {
    const types = new Map<string, 'number' | 'string'>();
    const typeOf = (name: string) => Array.isArray(typing) ? attributeArrowType(typing, name) : (typing as ReadonlyMap<string, 'number' | 'string'>).get(name) ?? 'string';
    for (const c of columns) if (c.kind === 'attr' && !types.has(c.name)) types.set(c.name, typeOf(c.name));
    this.schema = exportSchema(columns, types);
    this.numeric = columns.map((c) => c.kind === 'attr' && types.get(c.name) === 'number');
  }

  start(): Uint8Array[] {
    this.writer.reset(this.collector, this.schema);
    return this.collector.take();
  }

  batch(batch: MemberBatch): Uint8Array[] {
    this.writer.write(this.recordBatch(batch));
    return this.collector.take();
  }

  /** The member batch as an Arrow record batch of `schema`. */
  recordBatch(batch: MemberBatch): RecordBatch {
    const n = batch.length;
    this.ids.append(batch.ids, n);
    const children: Data[] = [this.ids.finish()];
    batch.cells.forEach((cell, c) => {
      if (cell.kind === 'tag') children.push(boolColumn(cell));
      else children.push(this.numeric[c] ? float64Column(cell) : utf8Column(this.attrBytes(cell), n));
    });
    const data = makeData({ type: new Struct(this.schema.fields), length: n, nullCount: 0, children });
    return new RecordBatch(this.schema, data);
  }

  end(): Uint8Array[] {
    this.writer.close();
    return this.collector.take();
  }

  private attrBytes(cell: AttrCells): (Uint8Array | undefined)[] {
    const { valueIndex, values } = cell;
    let cache = this.bytesCache.get(values);
    if (!cache) this.bytesCache.set(values, (cache = []));
    const out = new Array<Uint8Array | undefined>(valueIndex.length);
    for (let i = 0; i < valueIndex.length; i++) {
      const v = valueIndex[i]!;
      if (v < 0) continue;
      out[i] = cache[v] ??= encoder.encode(String(values[v]!));
    }
    return out;
  }
}

/** A validity bitmap (LSB first) of `n` rows, and how many are null. */
function validity(n: number, valid: (i: number) => boolean): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (valid(i)) nullBitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return { nullBitmap, nullCount };
}

/** A nullable Utf8 column of UTF-8 cells (undefined: null). */
function utf8Column(cells: readonly (Uint8Array | undefined)[], n: number): Data<Utf8> {
  const valueOffsets = new Int32Array(n + 1);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    bytes += cells[i]?.length ?? 0;
    if (bytes > 0x7fffffff) throw fail.limit('an Arrow export batch holds over 2 GiB of text', 'lower TUNING.EXPORT_BATCH_ROWS');
    valueOffsets[i + 1] = bytes;
  }
  const data = new Uint8Array(bytes);
  for (let i = 0; i < n; i++) {
    const b = cells[i];
    if (b) data.set(b, valueOffsets[i]!);
  }
  const { nullBitmap, nullCount } = validity(n, (i) => cells[i] !== undefined);
  return makeData({ type: new Utf8(), length: n, nullCount, nullBitmap: nullCount ? nullBitmap : undefined, valueOffsets, data });
}

function float64Column(cell: AttrCells): Data<DataType> {
  const { valueIndex, values } = cell;
  const n = valueIndex.length;
  const data = new Float64Array(n);
  const isNumber = (i: number) => valueIndex[i]! >= 0 && typeof values[valueIndex[i]!] === 'number';
  for (let i = 0; i < n; i++) if (isNumber(i)) data[i] = values[valueIndex[i]!] as number;
  const { nullBitmap, nullCount } = validity(n, isNumber);
  return makeData({ type: new Float64(), length: n, nullCount, nullBitmap: nullCount ? nullBitmap : undefined, data });
}

function boolColumn(cell: TagCells): Data<Bool> {
  const n = cell.holds.length;
  const data = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (cell.holds[i]) data[i >> 3]! |= 1 << (i & 7);
  return makeData({ type: new Bool(), length: n, nullCount: 0, data });
}
