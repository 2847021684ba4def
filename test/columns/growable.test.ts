import { describe, expect, it } from 'vitest';
import { NarrowColumn, U32Column } from '../../src/columns/growable.js';

const values = (c: NarrowColumn) => Array.from(c.view());

describe('NarrowColumn', () => {
  it('starts at Uint16 and widens to Uint32, then Float64, keeping every value', () => {
    const c = new NarrowColumn('u16', 2);
    c.push(1); c.push(65_535);
    expect(c.data).toBeInstanceOf(Uint16Array);
    c.push(65_536);
    expect(c.data).toBeInstanceOf(Uint32Array);
    c.push(2 ** 32 - 1);
    expect(c.data).toBeInstanceOf(Uint32Array);
    c.push(2 ** 32);
    expect(c.data).toBeInstanceOf(Float64Array);
    c.push(-5); c.push(0.5);
    expect(values(c)).toEqual([1, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, -5, 0.5]);
    expect(c.bytesPerValue).toBe(8);
  });

  it('goes straight to Float64 for a negative value in a u32 column', () => {
    const c = new NarrowColumn('u32');
    c.push(7); c.push(-86_400);
    expect(c.data).toBeInstanceOf(Float64Array);
    expect(values(c)).toEqual([7, -86_400]);
  });

  it('adopts values into the narrowest array that holds them (old Float64 snapshots shrink)', () => {
    const c = new NarrowColumn('u32');
    c.adopt(Float64Array.from([1, 2, 3_000_000_000]));
    expect(c.data).toBeInstanceOf(Uint32Array);
    expect(values(c)).toEqual([1, 2, 3_000_000_000]);
    const w = new NarrowColumn('u16');
    w.adopt(Float64Array.from([1, 1e10]));
    expect(w.data).toBeInstanceOf(Float64Array);
    expect(values(w)).toEqual([1, 1e10]);
    w.adopt(Uint32Array.from([3, 4]));
    expect(w.data).toBeInstanceOf(Uint16Array);
  });

  it('replace widens when the new values need it; clear starts narrow again', () => {
    const c = new NarrowColumn('u16');
    c.push(3);
    c.replace([1, 100_000]);
    expect(c.data).toBeInstanceOf(Uint32Array);
    expect(values(c)).toEqual([1, 100_000]);
    c.clear();
    expect(c.length).toBe(0);
    expect(c.data).toBeInstanceOf(Uint16Array);
  });

  it('take keeps a loaded shared array in place when its type is already the narrowest, and copies otherwise', () => {
    const file = new SharedArrayBuffer(64);
    const u16 = new Uint16Array(file, 0, 4);
    u16.set([1, 2, 3, 65_535]);
    const c = new NarrowColumn('u16');
    c.take(u16);
    expect(c.data).toBe(u16); // no copy
    c.push(9); // past the view: moves to a buffer of its own, the file's bytes untouched
    expect(c.data.buffer).not.toBe(file);
    expect(values(c)).toEqual([1, 2, 3, 65_535, 9]);
    expect(Array.from(u16)).toEqual([1, 2, 3, 65_535]);

    // a Uint32 array whose values all fit Uint16 is narrowed (a copy), as adopt does
    const wide = new Uint32Array(file, 16, 2);
    wide.set([5, 6]);
    const n = new NarrowColumn('u16');
    n.take(wide);
    expect(n.data).toBeInstanceOf(Uint16Array);
    expect(values(n)).toEqual([5, 6]);
    // one that needs Uint32 stays in place
    wide[1] = 70_000;
    n.take(wide);
    expect(n.data).toBe(wide);

    // not shared memory: copied into shared memory (query workers read columns in place)
    const plain = new NarrowColumn('u32');
    plain.take(Uint32Array.from([7, 8]));
    expect(plain.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(values(plain)).toEqual([7, 8]);
  });
});

describe('GrowableColumn.take', () => {
  it('wraps a shared array of its own type and copies any other', () => {
    const shared = new Uint32Array(new SharedArrayBuffer(12));
    shared.set([4, 5, 6]);
    const c = new U32Column();
    c.take(shared);
    expect(c.data).toBe(shared);
    const d = new U32Column();
    const plain = Uint32Array.from([1, 2]);
    d.take(plain);
    expect(d.data).not.toBe(plain);
    expect(d.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(d.view())).toEqual([1, 2]);
  });
});

describe('GrowableColumn.push after wrapping an empty view', () => {
  // an empty shard's bulk-built or loaded posting wraps a zero-length view: growth doubled 0 forever (an append hung)
  it('grows from zero capacity', () => {
    const c = new U32Column();
    c.wrap(new Uint32Array(new SharedArrayBuffer(4)).subarray(0, 0));
    c.push(7);
    c.push(8);
    expect(Array.from(c.view())).toEqual([7, 8]);
  });
});
