import { NOT_IN_P, type BandValues, type ShardValues, type ValueKind } from '../../exec/score-values.js';

/**
 * Values of a window moved forward from those of an earlier window of the
 * same value and filters at the same store state, without rescanning the
 * overlap: with asOf = now, `last="365d"` resolves to new bounds every
 * second, and only the orders between the two windows' edges differ.
 *
 * The old window [lo0, hi0], the new one [lo, hi] with lo0 <= lo <= hi0 + 1
 * and hi0 <= hi. `added`: the values over (hi0, hi]; `removed`: over
 * [lo0, lo) (not needed for recency); both sparse (exec/score-values.ts
 * scanBand). For c:
 * - recency: the latest order in [lo0, hi] is max(old, added); when it is
 *   at or after lo it is also the latest in [lo, hi], else c has no order
 *   there (every order of c in [lo, hi] is in [lo0, hi]) and leaves P;
 * - frequency, quantity: old - removed + added, in P when above 0 (every
 *   matching line has a quantity of at least 1);
 * - monetary: old + added when nothing was removed; lines of 0 cents make a
 *   sum of 0 no proof of absence, so with removed orders the caller rescans
 *   (undefined here).
 * The sorted values are patched, not re-sorted: the old ones (recency: from
 * the first one >= lo, the customers below it left P), less the old values
 * of the customers that changed, merged with their new values.
 */
export function slideValues(
  base: ShardValues, by: ValueKind, lo: number, customerCount: number, added?: BandValues, removed?: BandValues,
): ShardValues | undefined {
  if (by === 'monetary' && removed !== undefined && removed.size > 0) return undefined;
  const b = base.byCustomer;
  // the customers with orders between the edges: only theirs can change (and, for recency, those who fell out)
  const changed = new Set<number>(added?.keys());
  for (const c of removed?.keys() ?? []) changed.add(c);
  const oldChanged: number[] = [];
  const updates: { c: number; v: number | undefined }[] = [];
  let wide = b instanceof Float64Array;
  for (const c of changed) {
    const o = valueOf(b, c);
    const a = added?.get(c);
    const r = removed?.get(c);
    let v: number | undefined;
    if (by === 'recency') {
      v = Math.max(o ?? Number.NEGATIVE_INFINITY, a ?? Number.NEGATIVE_INFINITY);
      if (v < lo) v = undefined;
    } else if (by === 'monetary') {
      v = (o ?? 0) + (a ?? 0);
    } else {
      const x = (o ?? 0) - (r ?? 0) + (a ?? 0);
      v = x > 0 ? x : undefined;
    }
    if (o !== undefined && !(by === 'recency' && o < lo)) oldChanged.push(o);
    if (v !== undefined && v >= NOT_IN_P) wide = true;
    updates.push({ c, v });
  }
  // every customer keeps their value but those (and, for recency, those whose latest order is now before lo)
  const byCustomer = wide ? new Float64Array(customerCount).fill(Number.NaN) : new Uint32Array(customerCount).fill(NOT_IN_P);
  if (wide && b instanceof Uint32Array) {
    for (let c = 0; c < b.length; c++) if (b[c] !== NOT_IN_P) byCustomer[c] = b[c]!;
  } else {
    byCustomer.set(b.length > customerCount ? b.subarray(0, customerCount) : b);
  }
  const none = wide ? Number.NaN : NOT_IN_P;
  if (by === 'recency') for (let c = 0; c < byCustomer.length; c++) if (byCustomer[c]! < lo) byCustomer[c] = none;
  const newChanged: number[] = [];
  for (const { c, v } of updates) {
    byCustomer[c] = v ?? none;
    if (v !== undefined) newChanged.push(v);
  }
  oldChanged.sort((x, y) => x - y);
  newChanged.sort((x, y) => x - y);
  const bs = base.sorted;
  const start = by === 'recency' ? firstAtLeast(bs, lo) : 0;
  const length = bs.length - start - oldChanged.length + newChanged.length;
  const sorted = wide ? new Float64Array(length) : new Uint32Array(length);
  let i = start, j = 0, k = 0, m = 0;
  for (;;) {
    // skip the base values the changed customers had (equal values: one each)
    while (i < bs.length && j < oldChanged.length && bs[i] === oldChanged[j]) i++, j++;
    if (i >= bs.length && k >= newChanged.length) break;
    const fromBase = i < bs.length ? bs[i]! : Number.POSITIVE_INFINITY;
    const fromNew = k < newChanged.length ? newChanged[k]! : Number.POSITIVE_INFINITY;
    if (fromBase <= fromNew) sorted[m++] = fromBase, i++;
    else sorted[m++] = fromNew, k++;
  }
  return { byCustomer, sorted };
}

function valueOf(values: Uint32Array | Float64Array, c: number): number | undefined {
  if (c >= values.length) return undefined;
  const v = values[c]!;
  if (values instanceof Uint32Array ? v === NOT_IN_P : Number.isNaN(v)) return undefined;
  return v;
}

function firstAtLeast(sorted: Uint32Array | Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
