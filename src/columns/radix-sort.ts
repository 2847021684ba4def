/**
 * Sorts `keys` (unsigned 32-bit integers) ascending, in place, and moves
 * `payload[i]` (when given) along with `keys[i]`: a stable LSD radix sort
 * in passes of 11 bits (as many as the largest key needs, at most three)
 * through scratch buffers. Linear time: for the tens of thousands of order
 * ordinals a live segment's round picks (src/live/touched-shard.ts) it is
 * several times faster than TypedArray.prototype.sort, and it gives the
 * permutation too. Checked against a plain stable sort by
 * test/columns/radix-sort.test.ts.
 */
export function radixSortU32(keys: Uint32Array, payload?: Uint32Array): void {
  const n = keys.length;
  if (n < 64) {
    insertionSort(keys, payload);
    return;
  }
  let max = 0;
  for (let i = 0; i < n; i++) if (keys[i]! > max) max = keys[i]!;
  const counts = new Uint32Array(RADIX);
  let from: Uint32Array = keys, to: Uint32Array = new Uint32Array(n);
  let pFrom: Uint32Array | undefined = payload, pTo: Uint32Array | undefined = payload ? new Uint32Array(n) : undefined;
  for (let shift = 0; shift < 32 && max >>> shift !== 0; shift += BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(from[i]! >>> shift) & MASK]!++;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    if (pFrom && pTo) {
      for (let i = 0; i < n; i++) {
        const v = from[i]!;
        const at = counts[(v >>> shift) & MASK]!++;
        to[at] = v;
        pTo[at] = pFrom[i]!;
      }
      [pFrom, pTo] = [pTo, pFrom];
    } else {
      for (let i = 0; i < n; i++) {
        const v = from[i]!;
        to[counts[(v >>> shift) & MASK]!++] = v;
      }
    }
    [from, to] = [to, from];
  }
  if (from !== keys) keys.set(from);
  if (payload && pFrom && pFrom !== payload) payload.set(pFrom);
}

function insertionSort(keys: Uint32Array, payload: Uint32Array | undefined): void {
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!, p = payload?.[i];
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) {
      keys[j + 1] = keys[j]!;
      if (payload) payload[j + 1] = payload[j]!;
    }
    keys[j + 1] = k;
    if (payload) payload[j + 1] = p!;
  }
}

const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
