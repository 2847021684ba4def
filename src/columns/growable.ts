/**
 * Append-only typed-array columns. Doubling growth keeps appends amortised
 * O(1) while every read is a plain typed-array access on the hot path.
 *
 * The memory is a SharedArrayBuffer, so query workers read the columns in
 * place. Growth copies into a new buffer; a worker still holding the old one
 * keeps a consistent prefix, which is all a query started earlier may see.
 */

type TypedArrayCtor<T> = { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };

function sharedArray<T>(ctor: TypedArrayCtor<T>, length: number): T {
  return new ctor(new SharedArrayBuffer(length * ctor.BYTES_PER_ELEMENT));
}

/** A zeroed Uint32Array of `length` in shared memory (query workers read it in place). */
export function sharedUint32(length: number): Uint32Array {
  return sharedArray(Uint32Array, Math.max(1, length)).subarray(0, length);
}

abstract class GrowableColumn<T extends Uint32Array | Float64Array | Uint8Array | Uint16Array> {
  data: T;
  length = 0;

  constructor(protected ctor: TypedArrayCtor<T>, initialCapacity = 1024) {
    this.data = sharedArray(ctor, Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Make room for at least `capacity` values. */
  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    // a wrapped empty view has no capacity to double (an empty shard's posting)
    let next = Math.max(16, this.data.length * 2);
    while (next < capacity) next *= 2;
    this.moveTo(next);
  }

  /** Room for exactly `capacity` values (bulk loading: no doubling slack), if there is less. */
  reserve(capacity: number): void {
    if (capacity > this.data.length) this.moveTo(capacity);
  }

  /** Copies the live values into a new buffer of `this.ctor` holding `capacity` (readers of the old one are unaffected). */
  protected moveTo(capacity: number): void {
    const bigger = sharedArray(this.ctor, capacity);
    (bigger as Uint32Array).set((this.data as Uint32Array).subarray(0, this.length));
    this.data = bigger;
  }

  /**
   * Take `view` (over shared memory, possibly a slice of a bigger buffer) as
   * the whole column, without copying; the first push past it moves to a
   * buffer of the column's own.
   */
  wrap(view: T): void {
    this.data = view;
    this.length = view.length;
  }

  /** Drop every value and the memory behind them. */
  clear(): void {
    this.data = sharedArray(this.ctor, 16);
    this.length = 0;
  }

  /** Drop values past `length`. */
  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  /** Take `values` as the whole column (loading a snapshot), copied into shared memory. */
  adopt(values: T): void {
    const data = sharedArray(this.ctor, Math.max(16, values.length));
    (data as Uint32Array).set(values as Uint32Array);
    this.data = data;
    this.length = values.length;
  }

  /**
   * Take `values` just loaded from a snapshot: kept in place (no copy) when
   * it already is shared memory of this column's type, as a snapshot file
   * read into a SharedArrayBuffer is; otherwise copied like adopt().
   */
  take(values: T): void {
    if (values.buffer instanceof SharedArrayBuffer && values instanceof this.ctor) this.wrap(values);
    else this.adopt(values);
  }

  /** Replace the contents with `values` in a new buffer (readers of the old one are unaffected). */
  replace(values: ArrayLike<number>): void {
    const data = sharedArray(this.ctor, Math.max(16, this.data.length, values.length));
    (data as Uint32Array).set(values);
    this.data = data;
    this.length = values.length;
  }

  /** A view of the live values (no copy). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }

  /** Bytes held, including spare capacity. */
  get byteLength(): number {
    return this.data.byteLength;
  }
}

export class U32Column extends GrowableColumn<Uint32Array> {
  constructor(initialCapacity?: number) {
    super(Uint32Array, initialCapacity);
  }
}

export class F64Column extends GrowableColumn<Float64Array> {
  constructor(initialCapacity?: number) {
    super(Float64Array, initialCapacity);
  }
}

export class U8Column extends GrowableColumn<Uint8Array> {
  constructor(initialCapacity?: number) {
    super(Uint8Array, initialCapacity);
  }
}

/** The arrays a NarrowColumn steps through, narrowest first. */
export type NarrowData = Uint16Array | Uint32Array | Float64Array;

const LADDER: readonly TypedArrayCtor<NarrowData>[] = [Uint16Array, Uint32Array, Float64Array];

/** Whether `ctor`'s array holds `value` exactly. */
function holds(ctor: TypedArrayCtor<NarrowData>, value: number): boolean {
  if (ctor === Uint16Array) return (value & 0xffff) === value;
  if (ctor === Uint32Array) return value >>> 0 === value;
  return true;
}

/** The narrowest array type from `start` up that holds every value. */
function narrowestFor(values: ArrayLike<number>, start: TypedArrayCtor<NarrowData>): TypedArrayCtor<NarrowData> {
  let step = LADDER.indexOf(start);
  for (let i = 0; i < values.length && step < LADDER.length - 1; i++) {
    while (!holds(LADDER[step]!, values[i]!)) step++;
  }
  return LADDER[step]!;
}

/**
 * A column of numbers in the narrowest array that holds them all: integer
 * cents, epoch seconds, quantities and small ids fit Uint32 or Uint16, so a
 * store pays 2 or 4 bytes a value instead of 8. The first value that does not
 * fit (a price over 42.9M yuan, a ts before 1970) widens the column, once,
 * into a new buffer; readers index `data` the same way either way.
 */
export class NarrowColumn extends GrowableColumn<NarrowData> {
  constructor(private readonly narrowest: 'u16' | 'u32', initialCapacity?: number) {
    super(narrowest === 'u16' ? Uint16Array : Uint32Array, initialCapacity);
  }

  override push(value: number): void {
    if (!holds(this.ctor, value)) {
      // widen once, into a new buffer (readers of the old one are unaffected)
      this.ctor = narrowestFor([value], this.ctor);
      this.moveTo(this.data.length);
    }
    super.push(value);
  }

  override adopt(values: ArrayLike<number>): void {
    this.ctor = narrowestFor(values, this.start);
    super.adopt(values as NarrowData);
  }

  /**
   * A loaded column whose array type is already the narrowest for its values
   * is kept in place: one of the start type needs no scan at all (nothing is
   * narrower), a wider one only if some value needs it.
   */
  override take(values: NarrowData): void {
    const type = LADDER.find((ctor) => values instanceof ctor);
    const shared = values.buffer instanceof SharedArrayBuffer;
    if (shared && type !== undefined && LADDER.indexOf(type) >= LADDER.indexOf(this.start) &&
      (type === this.start || narrowestFor(values, this.start) === type)) {
      this.ctor = type;
      this.wrap(values);
      return;
    }
    this.adopt(values);
  }

  override replace(values: ArrayLike<number>): void {
    this.ctor = narrowestFor(values, this.ctor); // the new buffer is of the wider type; nothing to copy first
    super.replace(values);
  }

  override clear(): void {
    this.ctor = this.start;
    super.clear();
  }

  /** Bytes per value now (2, 4 or 8). */
  get bytesPerValue(): number {
    return this.ctor.BYTES_PER_ELEMENT;
  }

  private get start(): TypedArrayCtor<NarrowData> {
    return this.narrowest === 'u16' ? Uint16Array : Uint32Array;
  }
}
