/**
 * Constant-time samplers for skewed distributions.
 *
 * Per-record sampling is the generator's hot loop, so each draw must be a
 * couple of table lookups: an alias table for discrete weights (SKUs, shops,
 * hours) and a quantile table for the continuous power law behind customer
 * activity (too many customers for a per-customer table).
 */
import type { Sfc32 } from './random.js';

const TWO_POW_32 = 4294967296;

/**
 * Walker/Vose alias table: one column pick and one biased coin per draw.
 */
export class AliasTable {
  readonly size: number;
  /**
   * Interleaved [threshold, alias] per column so a draw touches one cache
   * line (SKU tables are large and columns are hit uniformly at random).
   * A column is kept when the coin (a u32) is below its threshold; columns
   * that are always kept get threshold 2^32-1 and alias themselves.
   */
  private readonly table: Uint32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0 || n > 1 << 21) throw new RangeError(`alias table size out of range: ${n}`);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`bad weight at ${i}: ${w}`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError('weights sum to zero');
    this.size = n;
    const table = new Uint32Array(2 * n);
    const scaled = new Float64Array(n);
    const small = new Uint32Array(n);
    const large = new Uint32Array(n);
    let ns = 0, nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total;
      if (scaled[i]! < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns]!, l = large[nl - 1]!;
      table[2 * s] = Math.min(TWO_POW_32 - 1, Math.floor(scaled[s]! * TWO_POW_32));
      table[2 * s + 1] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l]! < 1) {
        nl--;
        small[ns++] = l;
      }
    }
    // leftovers are 1 up to rounding error: they always keep their column
    const keep = (i: number) => {
      table[2 * i] = TWO_POW_32 - 1;
      table[2 * i + 1] = i;
    };
    while (nl > 0) keep(large[--nl]!);
    while (ns > 0) keep(small[--ns]!);
    this.table = table;
  }

  /**
   * One 32-bit draw per sample: its high part picks the column and the
   * fraction left over is the coin. The coin's resolution is size/2^32
   * (better than 1e-4 even for 200k SKUs), plenty for synthetic data.
   */
  sample(rng: Sfc32): number {
    const x = ((rng.nextI32() >>> 0) * this.size) / TWO_POW_32; // exact: size < 2^21
    const col = x | 0; // `| 0` keeps results small integers (unboxed) across calls
    const k = col << 1;
    return (x - col) * TWO_POW_32 < this.table[k]! ? col : this.table[k + 1]! | 0;
  }
}

/** Zipf weights 1/(k+1)^s for k = 0..n-1 (rank 0 the most popular). */
export function zipfWeights(n: number, s: number): Float64Array {
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) w[k] = Math.pow(k + 1, -s);
  return w;
}

/**
 * Continuous power law on [0, n) with density proportional to (x + q)^-s
 * (a Zipf-Mandelbrot curve: q flattens the head so the top customer is big
 * but not absurd). Sampled through a table of `buckets` equal-probability
 * quantiles with linear interpolation inside a bucket: no pow/log per draw.
 */
export class PowerLawSampler {
  readonly n: number;
  private readonly quantiles: Float64Array;
  private readonly buckets: number;

  constructor(n: number, s: number, q: number, buckets = 16384) {
    if (!(n >= 1)) throw new RangeError(`power law needs n >= 1, got ${n}`);
    if (s === 1) s = 1.000001; // keep the closed-form inverse (s != 1) valid
    this.n = n;
    this.buckets = buckets;
    this.quantiles = new Float64Array(buckets + 1);
    const e = 1 - s;
    const lo = Math.pow(q, e), hi = Math.pow(n + q, e);
    for (let j = 0; j <= buckets; j++) {
      const u = j / buckets;
      const x = Math.pow(lo + u * (hi - lo), 1 / e) - q;
      this.quantiles[j] = Math.min(n, Math.max(0, x));
    }
    this.quantiles[0] = 0;
    this.quantiles[buckets] = n;
  }

  /** A rank in [0, n): 0 is the most likely. */
  sample(rng: Sfc32): number {
    const u = ((rng.nextI32() >>> 0) / TWO_POW_32) * this.buckets;
    const j = Math.floor(u);
    const a = this.quantiles[j]!, b = this.quantiles[j + 1]!;
    const r = Math.floor(a + (u - j) * (b - a));
    return (r < this.n ? r : this.n - 1) | 0; // n < 2^31: stays a small integer
  }
}
