import { describe, expect, it } from 'vitest';
import { AttributeIndex } from '../../src/index/attribute-index.js';
import type { AttrValue } from '../../src/model/records.js';

/** Every (customer, value) the index holds, by customer. */
function pairsOf(index: AttributeIndex): [number, AttrValue][] {
  const { valueOf, values } = index.toColumn();
  const out: [number, AttrValue][] = [];
  valueOf.forEach((v, c) => { if (v !== -1) out.push([c, values[v]!]); });
  return out;
}

/** What queries can see of an index. */
function observe(index: AttributeIndex) {
  const ids = (b: { toArray(): number[] }) => b.toArray();
  return {
    exists: ids(index.exists()),
    eq: ['a', 'b', 'c', '5', '7'].map((v) => ids(index.equals([v]))),
    range: ids(index.range({ gte: 5, lt: 40 })),
    pairs: pairsOf(index),
  };
}

describe('AttributeIndex column form', () => {
  it('round-trips through toColumn/fromColumn with the same answers as the index it came from', () => {
    const index = new AttributeIndex();
    let seed = 3;
    const rand = (k: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * k);
    const pool: (AttrValue | null)[] = ['a', 'b', 'c', '5', 5, 7, 39, 40, null];
    for (let i = 0; i < 3000; i++) index.set(rand(500), pool[rand(pool.length)]!);
    const { valueOf, values } = index.toColumn();
    const copy = AttributeIndex.fromColumn(Int32Array.from(valueOf), [...values]);
    expect(observe(copy)).toEqual(observe(index));
    expect(observe(index).eq[3]!.length).toBeGreaterThan(0); // "5" matches the string and the number
  });

  it('refuses a column pointing past its values', () => {
    expect(() => AttributeIndex.fromColumn(Int32Array.from([0, 2, -1]), ['x', 'y'])).toThrow(/^E_CORRUPT: attribute column: value index 2 out of range/);
  });
});
