import { describe, expect, it } from 'vitest';
import { AffinePermutation } from '../../src/gen/permutation.js';
import { createRng, Sfc32 } from '../../src/gen/random.js';
import { AliasTable, PowerLawSampler } from '../../src/gen/sampling.js';

describe('Sfc32', () => {
  it('is deterministic per seed and stream', () => {
    const a = createRng(7, 'x'), b = createRng(7, 'x'), c = createRng(7, 'y'), d = createRng(8, 'x');
    const seq = (r: Sfc32) => Array.from({ length: 8 }, () => r.nextU32());
    const sa = seq(a);
    expect(seq(b)).toEqual(sa);
    expect(seq(c)).not.toEqual(sa);
    expect(seq(d)).not.toEqual(sa);
  });

  it('separates seeds that differ only above 32 bits', () => {
    expect(createRng(1, 'x').nextU32()).not.toBe(createRng(1 + 2 ** 32, 'x').nextU32());
  });

  it('produces roughly uniform values in range', () => {
    const r = createRng(1, 'u');
    const buckets = new Array<number>(10).fill(0);
    let min = 1, max = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.nextFloat();
      min = Math.min(min, u);
      max = Math.max(max, u);
      buckets[Math.floor(u * 10)]!++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(600);
    const ints = new Set<number>();
    for (let i = 0; i < 1000; i++) ints.add(r.nextInt(7));
    expect([...ints].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('AliasTable', () => {
  it('samples proportionally to the weights', () => {
    const weights = [5, 0, 1, 3, 1];
    const t = new AliasTable(weights);
    const r = createRng(3, 'alias');
    const counts = new Array<number>(weights.length).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[t.sample(r)]!++;
    expect(counts[1]).toBe(0);
    weights.forEach((w, i) => expect(Math.abs(counts[i]! / n - w / 10)).toBeLessThan(0.01));
  });

  it('rejects empty or all-zero weights', () => {
    expect(() => new AliasTable([])).toThrow(RangeError);
    expect(() => new AliasTable([0, 0])).toThrow(RangeError);
    expect(() => new AliasTable([1, -1])).toThrow(RangeError);
  });
});

describe('PowerLawSampler', () => {
  it('stays in range and favours low ranks', () => {
    const p = new PowerLawSampler(1000, 1.6, 20);
    const r = createRng(1, 'pl');
    let low = 0, bad = 0;
    for (let i = 0; i < 50_000; i++) {
      const k = p.sample(r);
      if (!(Number.isInteger(k) && k >= 0 && k < 1000)) bad++;
      if (k < 100) low++;
    }
    expect(bad).toBe(0);
    expect(low / 50_000).toBeGreaterThan(0.5); // 10% of ranks take most draws
  });

  it('handles n = 1', () => {
    const p = new PowerLawSampler(1, 1.6, 1);
    const r = createRng(1, 'pl1');
    for (let i = 0; i < 100; i++) expect(p.sample(r)).toBe(0);
  });
});

describe('AffinePermutation', () => {
  it.each([1, 2, 10, 97, 1000, 4096])('is a bijection with an inverse (n=%i)', (n) => {
    const p = new AffinePermutation(n, 12345);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const j = p.apply(i);
      expect(j >= 0 && j < n).toBe(true);
      seen.add(j);
      expect(p.invert(j)).toBe(i);
    }
    expect(seen.size).toBe(n);
  });

  it('works beyond 2^26 elements (split multiplication)', () => {
    const n = 2 ** 31 - 1;
    const p = new AffinePermutation(n, 99);
    for (const i of [0, 1, 12345678, n - 1]) expect(p.invert(p.apply(i))).toBe(i);
  });
});
