/**
 * From the whole store's population to a range of values (contract 7.5).
 *
 * score(c) = min(k, 1 + floor(k * L(c) / n)), L(c) = #{d in P : v(d) < v(c)},
 * n = |P|. Let s[0] <= s[1] <= ... <= s[n-1] be the values of P ascending
 * (all shards together). Then, for m >= 1:
 *
 *   (1) L(c) >= m  <=>  s[m-1] < v(c).
 *       If s[m-1] < v(c), the m values s[0..m-1] are all below v(c). If at
 *       least m values are below v(c), the m-th smallest of all, s[m-1], is
 *       at most the largest of those m, so below v(c).
 *
 * Scores only grow with L (floor and min are monotone), so the customers with
 * min <= score <= max are those with Lmin <= L(c) <= Lmax, in integers:
 *
 *   (2) score >= min  <=>  1 + floor(k L / n) >= min (as k >= min)
 *                     <=>  k L >= (min - 1) n  <=>  L >= ceil((min - 1) n / k) = Lmin.
 *   (3) max = k: always. max < k: score <= max  <=>  1 + floor(k L / n) <= max
 *                     <=>  k L / n < max  <=>  k L <= max n - 1  <=>  L <= floor((max n - 1) / k) = Lmax.
 *
 * By (1), L >= Lmin <=> v > s[Lmin - 1] (Lmin >= 1), and L <= Lmax <=> not
 * L >= Lmax + 1 <=> v <= s[Lmax] (Lmax <= n - 1; beyond, always). Values are
 * integers, so v > x is v >= x + 1: the members are the customers of P with
 * v in the inclusive range [lo, hi]. test/elements/score/rank.test.ts checks
 * this against the definition on every score of random populations with ties.
 *
 * Products such as (min - 1) n stay far below 2^53 (n < 2^32, k <= 100), so
 * they are exact doubles; the divisions are integer divisions, corrected by
 * exact products (never a rounded quotient).
 */

/** A shard's values (elements/score/values.ts): 4 bytes each where they fit. */
export type ValueArray = Uint32Array | Float64Array;

/** An inclusive range of values, or undefined: nobody. */
export interface ValueRange {
  readonly lo: number;
  readonly hi: number;
}

/** floor(a / b) for integers a >= 0, b >= 1 with a, b, a + b exact doubles. */
export function floorDiv(a: number, b: number): number {
  if (a > Number.MAX_SAFE_INTEGER) return Number(BigInt(a) / BigInt(b));
  let q = Math.floor(a / b);
  while (q * b > a) q--;
  while ((q + 1) * b <= a) q++;
  return q;
}

export function ceilDiv(a: number, b: number): number {
  const q = floorDiv(a, b);
  return q * b === a ? q : q + 1;
}

/** The first index of `sorted` whose value is > x (= the count of values <= x). */
export function countAtMost(sorted: ValueArray, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * s[m] of the shards' values merged (0-based: the (m+1)-th smallest),
 * without merging them: the smallest integer x with at least m + 1 values
 * <= x, by binary search over the value range (each count a binary search
 * per shard). Values are integers, so the search ends on one of them.
 */
export function nthValue(shards: readonly ValueArray[], m: number): number {
  let lo = Number.POSITIVE_INFINITY, hi = Number.NEGATIVE_INFINITY;
  for (const s of shards) {
    if (s.length === 0) continue;
    lo = Math.min(lo, s[0]!);
    hi = Math.max(hi, s[s.length - 1]!);
  }
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    let count = 0;
    for (const s of shards) count += countAtMost(s, mid);
    if (count >= m + 1) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The values whose scale-k score is in [min, max], for the population of all `shards` (each ascending). */
export function scaleRange(shards: readonly ValueArray[], k: number, min: number, max: number): ValueRange | undefined {
  let n = 0;
  for (const s of shards) n += s.length;
  if (n === 0) return undefined;
  const lMin = ceilDiv((min - 1) * n, k);
  const lMax = max >= k ? n - 1 : floorDiv(max * n - 1, k);
  if (lMin > lMax || lMin > n - 1) return undefined;
  const lo = lMin === 0 ? Number.NEGATIVE_INFINITY : nthValue(shards, lMin - 1) + 1;
  const hi = lMax >= n - 1 ? Number.POSITIVE_INFINITY : nthValue(shards, lMax);
  return lo <= hi ? { lo, hi } : undefined;
}

/** The values whose cuts score (1 + the number of cuts <= v) is in [min, max]: no population-wide state needed. */
export function cutsRange(cuts: readonly number[], min: number, max: number): ValueRange {
  return {
    lo: min === 1 ? Number.NEGATIVE_INFINITY : cuts[min - 2]!,
    hi: max === cuts.length + 1 ? Number.POSITIVE_INFINITY : cuts[max - 1]! - 1,
  };
}

/** The definition, for tests and explain: score of a value with L smaller values in a population of n. */
export function scaleScore(k: number, l: number, n: number): number {
  return Math.min(k, 1 + floorDiv(k * l, n));
}
