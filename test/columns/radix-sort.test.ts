import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { radixSortU32 } from '../../src/columns/radix-sort.js';

/** The plain reference: a stable sort of (key, original position) pairs. */
function reference(list: readonly number[]): { keys: number[]; payload: number[] } {
  const pairs = list.map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { keys: pairs.map((p) => p[0]), payload: pairs.map((p) => p[1]) };
}

describe('radixSortU32', () => {
  it('sorts keys like a stable sort and carries the payload (small, large, wide and narrow keys, duplicates)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })), { maxLength: 3000 }),
        fc.boolean(),
        (list, withPayload) => {
          const keys = Uint32Array.from(list);
          const payload = withPayload ? Uint32Array.from(list, (_, i) => i) : undefined;
          radixSortU32(keys, payload);
          const want = reference(list);
          expect(Array.from(keys)).toEqual(want.keys);
          if (payload) expect(Array.from(payload)).toEqual(want.payload);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sorts 200,000 keys of every width, stably', () => {
    for (const max of [1, 2047, 2048, 4_194_303, 4_194_304, 2 ** 32 - 1]) {
      const keys = new Uint32Array(200_000);
      for (let i = 0; i < keys.length; i++) keys[i] = Math.floor(Math.random() * (max + 1));
      const payload = Uint32Array.from(keys, (_, i) => i);
      const original = keys.slice();
      radixSortU32(keys, payload);
      let bad = 0;
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] !== original[payload[i]!]) bad++;
        if (i > 0 && (keys[i - 1]! > keys[i]! || (keys[i - 1] === keys[i] && payload[i - 1]! > payload[i]!))) bad++;
      }
      expect(bad, `max ${max}`).toBe(0);
    }
  });
});
