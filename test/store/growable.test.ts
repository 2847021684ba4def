import { describe, expect, it } from 'vitest';
import { NarrowColumn } from '../../src/store/growable.js';

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
});
