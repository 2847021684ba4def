/**
 * Growable Arrow column builders fed in chunks of JS values. Each chunk of
 * strings is UTF-8 encoded in one call (joined first), so a 64k-row record
 * batch never keeps 64k JS strings alive and costs few native calls.
 */
import { Int32, makeData, Utf8, type Data } from 'apache-arrow';

export class Utf8ColumnBuilder {
  private data = Buffer.allocUnsafe(1 << 16);
  private offsets = new Int32Array(1024);
  private bytes = 0;
  private rows = 0;

  get length(): number {
    return this.rows;
  }

  /** Appends the first `n` values. */
  append(values: readonly string[], n: number): void {
    if (n === 0) return;
    const joined = values.length === n ? values.join('') : values.slice(0, n).join('');
    this.reserveBytes(joined.length * 3);
    this.reserveRows(n);
    const written = this.data.write(joined, this.bytes, 'utf8');
    const ascii = written === joined.length; // then byte lengths = string lengths
    const offsets = this.offsets;
    let o = this.bytes;
    for (let i = 0; i < n; i++) {
      offsets[this.rows + i] = o;
      o += ascii ? values[i]!.length : Buffer.byteLength(values[i]!, 'utf8');
    }
    this.rows += n;
    this.bytes = o;
    offsets[this.rows] = o;
  }

  /** The column so far as Arrow data; the builder starts over empty. */
  finish(): Data<Utf8> {
    const valueOffsets = this.offsets.slice(0, this.rows + 1);
    const data = new Uint8Array(this.data.buffer, this.data.byteOffset, this.bytes);
    const out = makeData({ type: new Utf8(), length: this.rows, nullCount: 0, valueOffsets, data });
    // the data bytes now belong to `out`: take a fresh buffer
    this.data = Buffer.allocUnsafe(Math.max(1 << 16, this.bytes));
    this.bytes = 0;
    this.rows = 0;
    this.offsets[0] = 0;
    return out;
  }

  private reserveBytes(extra: number): void {
    if (this.bytes + extra <= this.data.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.bytes + extra));
    this.data.copy(next, 0, 0, this.bytes);
    this.data = next;
  }

  private reserveRows(extra: number): void {
    if (this.rows + extra + 1 <= this.offsets.length) return;
    const next = new Int32Array(Math.max(this.offsets.length * 2, this.rows + extra + 1));
    next.set(this.offsets.subarray(0, this.rows + 1));
    this.offsets = next;
  }
}

export class Int32ColumnBuilder {
  private values = new Int32Array(1024);
  private rows = 0;

  get length(): number {
    return this.rows;
  }

  append(values: readonly number[], n: number): void {
    if (this.rows + n > this.values.length) {
      const next = new Int32Array(Math.max(this.values.length * 2, this.rows + n));
      next.set(this.values.subarray(0, this.rows));
      this.values = next;
    }
    for (let i = 0; i < n; i++) this.values[this.rows + i] = values[i]!;
    this.rows += n;
  }

  finish(): Data<Int32> {
    const out = makeData({ type: new Int32(), length: this.rows, nullCount: 0, data: this.values.slice(0, this.rows) });
    this.rows = 0;
    return out;
  }
}
