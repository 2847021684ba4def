import { describe, expect, it } from 'vitest';
import { Dictionary } from '../../src/store/dictionary.js';
import { StringArena } from '../../src/store/string-arena.js';

describe('Dictionary', () => {
  it('interns in first-seen order and looks up without growing', () => {
    const d = new Dictionary();
    expect([d.intern('a'), d.intern('b'), d.intern('a')]).toEqual([0, 1, 0]);
    expect(d.lookup('c')).toBeUndefined();
    expect(d.size).toBe(2);
    expect(() => d.value(2)).toThrow(/^E_INTERNAL: invariant broken: dictionary id 2 out of range/);
  });

  it('over a loaded arena: same ids, lookups, and new ids after the loaded ones; encodes back to all of them', () => {
    const src = new Dictionary();
    for (const v of ['x', 'ü', '\uD800', 'y']) src.intern(v);
    const d = Dictionary.fromArena(StringArena.fromBytes(src.encode()));
    expect(d.size).toBe(4);
    expect(d.value(1)).toBe('ü');
    expect(d.lookup('\uD800')).toBe(2);
    expect(d.intern('y')).toBe(3);
    expect(d.intern('z')).toBe(4);
    expect(d.value(4)).toBe('z');
    expect(d.all).toEqual(['x', 'ü', '\uD800', 'y', 'z']);
    const again = Dictionary.fromArena(StringArena.fromBytes(d.encode()));
    expect(again.all).toEqual(['x', 'ü', '\uD800', 'y', 'z']);
    expect(() => again.value(5)).toThrow(/^E_INTERNAL: invariant broken/);
    expect(() => again.value(-1)).toThrow(/^E_INTERNAL: invariant broken/);
  });

  it('subset: ids i are the base ids ids[i], read-only, decoded when read (over an arena too)', () => {
    const src = new Dictionary();
    for (const v of ['c0', 'c1', 'c2', 'c3', 'c4']) src.intern(v);
    const loaded = Dictionary.fromArena(StringArena.fromBytes(src.encode()));
    for (const base of [src, loaded]) {
      const d = Dictionary.subset(base, Uint32Array.from([1, 3, 4]));
      expect(d.size).toBe(3);
      expect([d.value(0), d.value(1), d.value(2)]).toEqual(['c1', 'c3', 'c4']);
      expect(d.all).toEqual(['c1', 'c3', 'c4']);
      expect([d.lookup('c3'), d.lookup('c0')]).toEqual([1, undefined]);
      expect(d.intern('c4')).toBe(2);
      expect(() => d.intern('new')).toThrow(/^E_INTERNAL: invariant broken/);
      expect(() => d.value(3)).toThrow(/^E_INTERNAL: invariant broken/);
      expect(Dictionary.fromArena(StringArena.fromBytes(d.encode())).all).toEqual(['c1', 'c3', 'c4']);
    }
  });
});
