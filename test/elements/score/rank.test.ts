import { describe, expect, it } from 'vitest';
import { ceilDiv, cutsRange, floorDiv, nthValue, scaleRange, scaleScore } from '../../../src/elements/score/rank.js';

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The definition, directly: L(c) by counting, score = min(k, 1 + floor(k L / n)) in BigInt. */
function directScores(values: number[], k: number): number[] {
  const n = values.length;
  return values.map((v) => {
    const l = values.filter((d) => d < v).length;
    const s = 1n + (BigInt(k) * BigInt(l)) / BigInt(n);
    return Number(s < BigInt(k) ? s : BigInt(k));
  });
}

/** Splits values over `shards` sorted arrays, as the engine's shards hold them. */
function split(values: number[], shards: number, r: () => number): Float64Array[] {
  const parts: number[][] = Array.from({ length: shards }, () => []);
  for (const v of values) parts[Math.floor(r() * shards)]!.push(v);
  return parts.map((p) => Float64Array.from(p).sort());
}

describe('<score> rank: the value range equals the definition', () => {
  it('integer division is exact', () => {
    expect(floorDiv(0, 5)).toBe(0);
    expect(floorDiv(9, 5)).toBe(1);
    expect(floorDiv(10, 5)).toBe(2);
    expect(ceilDiv(9, 5)).toBe(2);
    expect(ceilDiv(10, 5)).toBe(2);
    expect(floorDiv(2 ** 53 + 10, 3)).toBe(Number((2n ** 53n + 10n) / 3n));
    // a quotient that a float division would round: (2^53 - 1) / 1 and friends
    expect(floorDiv(Number.MAX_SAFE_INTEGER, 7)).toBe(Number(BigInt(Number.MAX_SAFE_INTEGER) / 7n));
  });

  it('nthValue is the merged order statistic', () => {
    const r = rng(7);
    for (let t = 0; t < 200; t++) {
      const values = Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 10) - 3);
      const parts = split(values, 1 + Math.floor(r() * 5), r);
      const sorted = [...values].sort((a, b) => a - b);
      for (let m = 0; m < sorted.length; m++) expect(nthValue(parts, m)).toBe(sorted[m]);
    }
  });

  it('for every k, min, max: members by range = members by the definition (ties, small and large populations)', () => {
    const r = rng(42);
    let checked = 0;
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(r() * (t % 3 === 0 ? 200 : 12));
      const spread = 1 + Math.floor(r() * (t % 2 === 0 ? 5 : 1000)); // few distinct values: many ties
      const values = Array.from({ length: n }, () => Math.floor(r() * spread) * (t % 5 === 0 ? 1_000_000_007 : 1));
      const k = 2 + Math.floor(r() * (t % 4 === 0 ? 99 : 8));
      const scores = directScores(values, k);
      const parts = split(values, 1 + Math.floor(r() * 7), r);
      const min = 1 + Math.floor(r() * k);
      const max = min + Math.floor(r() * (k - min + 1));
      const range = scaleRange(parts, k, min, max);
      values.forEach((v, i) => {
        const want = scores[i]! >= min && scores[i]! <= max;
        const got = range !== undefined && v >= range.lo && v <= range.hi;
        expect(got, `n=${n} k=${k} min=${min} max=${max} v=${v} score=${scores[i]}`).toBe(want);
      });
      // equal values, equal scores; the highest value gets the highest score present
      checked++;
    }
    expect(checked).toBe(300);
  });

  it('scaleScore is the definition; the top value scores k only when enough are below it', () => {
    expect(scaleScore(5, 0, 1)).toBe(1); // a population of one: everyone scores 1
    expect(scaleScore(5, 4, 5)).toBe(5);
    expect(scaleScore(5, 3, 5)).toBe(4);
    expect(scaleScore(100, 1, 2)).toBe(51);
    // all equal: all score 1
    expect(scaleRange([Float64Array.of(7, 7, 7)], 5, 1, 1)).toMatchObject({ lo: Number.NEGATIVE_INFINITY, hi: 7 });
    const none = scaleRange([Float64Array.of(7, 7, 7)], 5, 2, 5);
    expect(none === undefined || 7 < none.lo || 7 > none.hi).toBe(true);
    expect(scaleRange([], 5, 1, 5)).toBeUndefined();
  });

  it('cuts: score = 1 + the number of cuts at or below the value', () => {
    const cuts = [100000, 500000, 2000000];
    const scoreOf = (v: number) => 1 + cuts.filter((x) => v >= x).length;
    for (let min = 1; min <= 4; min++) {
      for (let max = min; max <= 4; max++) {
        const { lo, hi } = cutsRange(cuts, min, max);
        for (const v of [0, 99999, 100000, 100001, 499999, 500000, 1999999, 2000000, 9e12]) {
          expect(v >= lo && v <= hi, `v=${v} ${min}..${max}`).toBe(scoreOf(v) >= min && scoreOf(v) <= max);
        }
      }
    }
  });
});

describe('<score> selection', () => {
  it('keeps the customers with a value in the range, past several buffer chunks, never those outside the population', async () => {
    const { select } = await import('../../../src/elements/score/index.js');
    const r = rng(3);
    const n = 200_000;
    const u32 = new Uint32Array(n);
    for (let c = 0; c < n; c++) u32[c] = r() < 0.1 ? 0xffffffff : Math.floor(r() * 1000);
    const f64 = Float64Array.from(u32, (v) => (v === 0xffffffff ? Number.NaN : v * 1e7));
    for (const [lo, hi] of [[Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY], [100, 899], [500, 500], [2000, 3000]] as const) {
      const want = [...u32.keys()].filter((c) => u32[c] !== 0xffffffff && u32[c]! >= lo && u32[c]! <= hi);
      expect([...select(u32, { lo, hi }).toArray()]).toEqual(want);
      expect([...select(f64, { lo: lo * 1e7, hi: hi * 1e7 }).toArray()]).toEqual(want);
    }
  });
});
