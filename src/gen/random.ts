/**
 * Seeded pseudo-random numbers for the synthetic data generator.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of
 * state, passes PractRand, and needs only 32-bit integer ops, which V8 runs
 * without allocating. Everything here is integer arithmetic, so the stream is
 * bit-identical on every platform (no Math.random, no transcendental calls).
 */

const TWO_POW_32 = 4294967296;

/** One 32-bit mixing step (splitmix32 / murmur3 finaliser); spreads seeds. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hash of a string into 32 bits (FNV-1a then mixed); names RNG streams. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

export class Sfc32 {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 1;

  constructor(a = 0, b = 0, c = 0, d = 1) {
    this.reseed(a, b, c, d);
  }

  /** Reuse the object for another stream (per-customer streams allocate nothing). */
  reseed(a: number, b: number, c: number, d: number): this {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    // the first outputs of sfc32 are correlated with the seed: warm up
    for (let i = 0; i < 12; i++) this.nextI32();
    return this;
  }

  /**
   * 32 random bits as a signed int32. Hot paths call this and apply `>>> 0`
   * themselves: an int32 return value is a small integer to V8, while a
   * uint32 above 2^31 is boxed on the heap whenever the call is not inlined.
   */
  nextI32(): number {
    const a = this.a, b = this.b, c = this.c, d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return t;
  }

  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    return this.nextI32() >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution (enough for sampling). */
  nextFloat(): number {
    return (this.nextI32() >>> 0) / TWO_POW_32;
  }

  /** Uniform integer in [0, n) for n <= 2^21 (multiply-shift, exact in doubles). */
  nextInt(n: number): number {
    return Math.floor(((this.nextI32() >>> 0) * n) / TWO_POW_32);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextI32() >>> 0 < p * TWO_POW_32;
  }

  /** Roughly normal N(0,1): Irwin-Hall sum of 4 uniforms, rescaled; no Math.log. */
  nextGaussianish(): number {
    const s = this.nextFloat() + this.nextFloat() + this.nextFloat() + this.nextFloat();
    return (s - 2) * 1.7320508075688772; // variance of the sum is 4/12
  }
}

/**
 * An independent stream for (seed, name, index): the seed is split into two
 * 32-bit halves so any safe integer seed gives a distinct stream.
 */
export function streamSeeds(seed: number, name: string, index = 0): [number, number, number, number] {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  const n = hashString(name);
  const i = index >>> 0;
  const iHi = Math.floor(index / TWO_POW_32) >>> 0;
  return [mix32(lo ^ n), mix32(hi ^ mix32(n + 1)), mix32(i ^ mix32(lo + 0x632be5ab)), mix32(iHi ^ n ^ 0x5bd1e995)];
}

export function createRng(seed: number, name: string, index = 0): Sfc32 {
  const [a, b, c, d] = streamSeeds(seed, name, index);
  return new Sfc32(a, b, c, d);
}
