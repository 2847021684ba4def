import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../src/index/bitmap.js';
import { DayBucketCache } from '../../src/exec/day-buckets.js';

const range = (n: number) => Bitmap.fromRange(0, n);

describe('DayBucketCache', () => {
  it('answers only for the version a bucket was built at', () => {
    const cache = new DayBucketCache(1 << 20);
    cache.set('a', 3, range(10));
    expect(cache.get('a', 3)?.size).toBe(10);
    expect(cache.get('a', 4)).toBeUndefined();
    cache.set('a', 4, range(5));
    expect(cache.get('a', 4)?.size).toBe(5);
    expect(cache.size.buckets).toBe(1);
  });

  it('stays within its byte budget, dropping the least recently used first', () => {
    const one = new Bitmap([1, 5, 9, 70_000]);
    const bytes = one.getSerializationSizeInBytes(false) + 64;
    const cache = new DayBucketCache(bytes * 3);
    for (const k of ['a', 'b', 'c']) cache.set(k, 0, new Bitmap([1, 5, 9, 70_000]));
    cache.get('a', 0); // a is now more recent than b
    cache.set('d', 0, new Bitmap([1, 5, 9, 70_000]));
    expect(cache.get('b', 0)).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect(cache.get(k, 0)?.size).toBe(4);
    expect(cache.size.bytes).toBeLessThanOrEqual(bytes * 3);
  });
});
