import { NOT_IN_P, type ShardValues, type ValueKind } from '../../exec/score-values.js';

/**
 * Values of a window moved forward from those of an earlier window of the
 * same value and filters at the same store state, without rescanning the
 * overlap: with asOf = now, `last="365d"` resolves to new bounds every
 * second, and only the orders between the two windows' edges differ.
 *
 * The old window [lo0, hi0], the new one [lo, hi] with lo0 <= lo <= hi0 + 1
 * and hi0 <= hi. `added`: the values over (hi0, hi]; `removed`: over
 * [lo0, lo) (not needed for recency). For c:
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
  base: ShardValues, by: ValueKind, lo: number, customerCount: number, added?: ShardValues, removed?: ShardValues,
): ShardValues | undefined {
  if (by === 'monetary' && removed !== undefined && removed.sorted.length > 0) return undefined;
  const n = customerCount;
  const acc = new Float64Array(n);
  const seen = new Uint8Array(n);
  const oldChanged: number[] = [];
  const newChanged: number[] = [];
  const b = base.byCustomer;
  for (let c = 0; c < n; c++) {
    const o = valueOf(b, c);
    const a = added === undefined ? undefined : valueOf(added.byCustomer, c);
    const r = removed === undefined ? undefined : valueOf(removed.byCustomer, c);
    const kept = o !== undefined && !(by === 'recency' && o < lo);
    if (a === undefined && r === undefined) {
      if (kept) acc[c] = o, seen[c] = 1;
      continue;
    }
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
    if (kept) oldChanged.push(o);
    if (v !== undefined) acc[c] = v, seen[c] = 1, newChanged.push(v);
  }
  oldChanged.sort((x, y) => x - y);
  newChanged.sort((x, y) => x - y);
  const bs = base.sorted;
  const start = by === 'recency' ? firstAtLeast(bs, lo) : 0;
  const merged = new Float64Array(bs.length - start - oldChanged.length + newChanged.length);
  let i = start, j = 0, k = 0, m = 0;
  for (;;) {
    // skip the base values the changed customers had (equal values: one each)
    while (i < bs.length && j < oldChanged.length && bs[i] === oldChanged[j]) i++, j++;
    const fromBase = i < bs.length ? bs[i]! : Number.POSITIVE_INFINITY;
    const fromNew = k < newChanged.length ? newChanged[k]! : Number.POSITIVE_INFINITY;
    if (i >= bs.length && k >= newChanged.length) break;
    if (fromBase <= fromNew) merged[m++] = fromBase, i++;
    else merged[m++] = fromNew, k++;
  }
  return pack(acc, seen, merged);
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

/** As the scan packs them (exec/score-values.ts): 4 bytes while every value fits below NOT_IN_P, else 8. */
function pack(acc: Float64Array, seen: Uint8Array, sorted: Float64Array): ShardValues {
  const wide = sorted.length > 0 && sorted[sorted.length - 1]! >= NOT_IN_P;
  if (wide) {
    for (let c = 0; c < acc.length; c++) if (seen[c] === 0) acc[c] = Number.NaN;
    return { byCustomer: acc, sorted };
  }
  const byCustomer = new Uint32Array(acc.length);
  for (let c = 0; c < acc.length; c++) byCustomer[c] = seen[c] === 0 ? NOT_IN_P : acc[c]!;
  return { byCustomer, sorted: Uint32Array.from(sorted) };
}
