import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../src/index/bitmap.js';
import { movesAmong } from '../../src/live/moves-among.js';

/** movesAmong (one merge of sorted arrays) against the set algebra it replaces: entered = now ∩ affected \ was, exited = was ∩ affected \ now. */
describe('movesAmong', () => {
  it('equals the bitmap algebra on random sets', () => {
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 120 });
    fc.assert(
      fc.property(ids, ids, ids, ids, (neededRaw, affectedRaw, nowRaw, wasRaw) => {
        // the small shard holds `needed` (ascending locals); affected ⊆ needed; its members are small-shard ids
        const locals = Uint32Array.from(new Set([...neededRaw, ...affectedRaw])).sort();
        const affected = Uint32Array.from(affectedRaw).sort();
        const now = nowRaw.filter((c) => locals.includes(c));
        const members = Uint32Array.from(now.map((c) => locals.indexOf(c))).sort();
        const kept = new Bitmap(wasRaw);
        const a = new Bitmap(affected);
        const { entered, exited } = movesAmong(affected, members, locals, Bitmap.and(kept, a).toUint32Array());
        const nowSet = new Bitmap(now);
        expect([...entered]).toEqual([...Bitmap.andNot(Bitmap.and(nowSet, a), kept)]);
        expect([...exited]).toEqual([...Bitmap.andNot(Bitmap.and(kept, a), nowSet)]);
      }),
      { numRuns: 500 },
    );
  });
});
