type Typed = Uint8Array | Uint16Array | Uint32Array | Float64Array;
type TypedCtor = { new (buffer: ArrayBufferLike, offset: number, length: number): Typed; readonly BYTES_PER_ELEMENT: number };

/**
 * Typed arrays a live segment's round builds its small shard in
 * (touched-shard.ts), kept from round to round: one store shard's small
 * shard lives only during its round (evaluated synchronously, then
 * dropped), so the next round may write over its columns. Saves allocating
 * and zeroing a dozen arrays of tens of thousands of values per round, and
 * the garbage collector's work on them. Arrays are not zeroed: every user
 * writes all of what it asks for.
 */
export class RoundBuffers {
  private readonly arrays = new Map<string, Typed>();

  /** `n` values of type `like` (in shared memory: the small shard's columns take them without a copy) under `name`. */
  get<T extends Typed>(name: string, like: T, n: number): T {
    const Ctor = like.constructor as unknown as TypedCtor;
    let a = this.arrays.get(name);
    if (!a || a.constructor !== Ctor || a.length < n) {
      const length = Math.max(1024, n, a && a.constructor === Ctor ? Math.ceil(a.length * 1.5) : 0);
      a = new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT), 0, length);
      this.arrays.set(name, a);
    }
    return a.subarray(0, n) as T;
  }
}
