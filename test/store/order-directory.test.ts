import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShandianError } from '../../src/model/errors.js';
import { hashOrderId, OrderDirectory } from '../../src/store/order-directory.js';

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
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

function entries(d: OrderDirectory): [string, number][] {
  const out: [string, number][] = [];
  d.forEach((id, v) => out.push([id, v]));
  return out;
}

function expectCorrupt(bytes: Uint8Array, reason?: RegExp): void {
  let caught: unknown;
  try {
    OrderDirectory.fromBytes(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ShandianError);
  expect((caught as ShandianError).code).toBe('E_CORRUPT');
  if (reason) expect((caught as ShandianError).reason).toMatch(reason);
}

/** The serialized form built by hand: ids as raw bytes, value i for id i. */
function serialize(ids: number[][]): Uint8Array {
  const arena = ids.flat();
  const out = new Uint8Array(20 + 4 * (ids.length + 1) + 4 * ids.length + arena.length);
  const dv = new DataView(out.buffer);
  out.set([0x53, 0x44, 0x4f, 0x44]);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, ids.length, true);
  dv.setUint32(12, arena.length, true);
  let at = 0;
  ids.forEach((id, i) => {
    dv.setUint32(20 + 4 * i, at, true);
    at += id.length;
  });
  dv.setUint32(20 + 4 * ids.length, at, true);
  ids.forEach((_, i) => dv.setUint32(20 + 4 * (ids.length + 1) + 4 * i, i, true));
  out.set(arena, 20 + 8 * ids.length + 4);
  return out;
}

const CHINESE = '订单号码客户店铺退款支付宝微信上海北京深圳广州';
const EMOJI = ['😀', '🛒', '💳', '🇨🇳', '👨‍👩‍👧'];

function randomId(r: () => number, known: string[]): string {
  const kind = Math.floor(r() * 12);
  const int = (n: number) => Math.floor(r() * n);
  switch (kind) {
    case 0:
      return '';
    case 1: {
      // long id, sometimes past the scratch buffer's first size
      const len = 200 + int(3000);
      let s = 'L';
      while (s.length < len) s += int(1e9).toString(36);
      return s;
    }
    case 2: {
      let s = '';
      for (let i = 1 + int(8); i > 0; i--) s += CHINESE[int(CHINESE.length)];
      return s;
    }
    case 3: {
      let s = 'e-';
      for (let i = 1 + int(4); i > 0; i--) s += EMOJI[int(EMOJI.length)] + int(10);
      return s;
    }
    case 4:
      // a lone surrogate (distinct JS strings must stay distinct, like Map keys)
      return 'x' + String.fromCharCode(0xd800 + int(0x800)) + int(100);
    case 5:
    case 6: {
      // a prefix or an extension of a known id
      if (known.length === 0) return 'p';
      const k = known[int(known.length)]!;
      return r() < 0.5 ? k.slice(0, int(k.length + 1)) : k + String.fromCharCode(int(0x3000));
    }
    case 7:
      return String.fromCharCode(0x80 + int(0x780)) + int(1000); // 2-byte UTF-8
    default:
      return 'o-' + String(int(400_000)).padStart(8, '0');
  }
}

describe('OrderDirectory', () => {
  it('behaves like a Map<string, number> under random add/get/has (several resizes)', () => {
    const r = rng(0x5eed);
    const d = new OrderDirectory();
    const model = new Map<string, number>();
    const known: string[] = [];
    let duplicatesRefused = 0;
    // plain comparisons in the loop (expect() per step is slow); the first mismatch is reported
    const mismatch = (step: number, what: string, id: string, got: unknown, want: unknown) =>
      expect.fail(`step ${step}: ${what}(${JSON.stringify(id)}) gave ${String(got)}, the Map gives ${String(want)}`);
    for (let step = 0; step < 200_000; step++) {
      const op = r();
      const id = r() < 0.3 && known.length > 0 ? known[Math.floor(r() * known.length)]! : randomId(r, known);
      if (op < 0.55) {
        const value = Math.floor(r() * 2 ** 32);
        if (model.has(id)) {
          let threw = false;
          try {
            d.add(id, value);
          } catch (e) {
            threw = /duplicate/.test(String(e));
          }
          if (!threw) mismatch(step, 'add', id, 'no duplicate error', 'a duplicate');
          duplicatesRefused++;
        } else {
          d.add(id, value);
          model.set(id, value);
          known.push(id);
        }
      } else if (op < 0.8) {
        if (d.get(id) !== model.get(id)) mismatch(step, 'get', id, d.get(id), model.get(id));
      } else if (d.has(id) !== model.has(id)) mismatch(step, 'has', id, d.has(id), model.has(id));
      if (d.size !== model.size) mismatch(step, 'size', '', d.size, model.size);
    }
    expect(d.size).toBe(model.size);
    expect(model.size).toBeGreaterThan(50_000); // table grew from 32 slots many times
    expect(duplicatesRefused).toBeGreaterThan(1000);
    for (const id of known) expect(d.get(id)).toBe(model.get(id));
    for (let i = 0; i < 20_000; i++) {
      const id = randomId(r, known) + '\u0000absent';
      expect(d.has(id)).toBe(false);
      expect(d.get(id)).toBeUndefined();
    }
    expect(entries(d)).toEqual([...model]);
  });

  it('keeps arbitrary UTF-16 strings distinct and intact (fast-check)', () => {
    const unit = fc.oneof(fc.constantFrom('a', 'b', '\u00e9', '\u4e2d', '\ud83d', '\ude00', '\ud83d\ude00'), fc.nat(0xffff).map((c) => String.fromCharCode(c)));
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit, maxLength: 6 }), { maxLength: 60 }), fc.array(fc.string({ unit, maxLength: 6 }), { maxLength: 30 }), (ids, probes) => {
        const d = new OrderDirectory();
        const model = new Map<string, number>();
        ids.forEach((id, i) => {
          d.add(id, i * 7);
          model.set(id, i * 7);
        });
        for (const p of [...ids, ...probes]) expect(d.get(p)).toBe(model.get(p));
        expect(entries(d)).toEqual([...model]);
        const back = OrderDirectory.fromBytes(d.toBytes());
        expect(entries(back)).toEqual([...model]);
        for (const p of probes) expect(back.has(p)).toBe(model.has(p));
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('stores well-formed ids as plain UTF-8', () => {
    const ids = ['', 'o-1', '订单', '😀x', 'é'];
    const d = new OrderDirectory();
    ids.forEach((id, i) => d.add(id, i));
    const bytes = d.toBytes();
    const arena = Buffer.concat(ids.map((id) => Buffer.from(id, 'utf8')));
    expect(Buffer.from(bytes.subarray(bytes.length - arena.length)).equals(arena)).toBe(true);
  });

  it('tells apart ids whose full 32-bit hashes collide', () => {
    // found by meet-in-the-middle over FNV-1a (the finalizer is a bijection);
    // the tag bits in the slots cannot separate these, only the length and byte checks can
    const base = 'o-4711';
    const longer = ['o-4711Vn6bhL', 'o-4711ljDjM3'];
    const sameLength = ['tOTnKa', 'ujjxok', 'wqhC2H'];
    for (const id of [...longer, ...sameLength]) expect(hashOrderId(id), `${id} no longer collides: regenerate`).toBe(hashOrderId(base));

    const d = new OrderDirectory();
    d.add(base, 1);
    d.add('Vn6bhL', 2); // the bytes right after base's in the arena spell its colliding extension
    expect(d.has(longer[0]!)).toBe(false);
    expect(d.get(longer[1]!)).toBeUndefined();
    for (const id of sameLength) expect(d.has(id)).toBe(false);
    d.add(longer[0]!, 3);
    d.add(sameLength[0]!, 4);
    expect(d.get(base)).toBe(1);
    expect(d.get(longer[0]!)).toBe(3);
    expect(d.has(longer[1]!)).toBe(false);
    expect(d.get(sameLength[0]!)).toBe(4);
    expect(d.has(sameLength[1]!)).toBe(false);

    const e = new OrderDirectory();
    e.add(longer[0]!, 1);
    expect(e.has(base)).toBe(false); // a prefix of a stored id with the same hash
    e.add(base, 2);
    e.add(sameLength[1]!, 3);
    const back = OrderDirectory.fromBytes(e.toBytes());
    expect(entries(back)).toEqual([[longer[0], 1], [base, 2], [sameLength[1], 3]]);
    expect(back.has(sameLength[2]!)).toBe(false);
  });

  it('refuses a duplicate id and a value that is not a uint32, without changing anything', () => {
    const d = new OrderDirectory();
    d.add('o-1', 1);
    d.add('订单-2', 2);
    expect(() => d.add('o-1', 9)).toThrow(ShandianError);
    expect(() => d.add('订单-2', 9)).toThrow(/duplicate/);
    for (const bad of [-1, 2 ** 32, 1.5, NaN]) expect(() => d.add('o-3', bad)).toThrow(/^E_INTERNAL: invariant broken: OrderDirectory.add: value must be a uint32/);
    expect(d.size).toBe(2);
    expect(d.get('o-1')).toBe(1);
    expect(d.has('o-3')).toBe(false);
    d.add('o-3', 0xffffffff);
    expect(d.get('o-3')).toBe(0xffffffff);
    expect(entries(d)).toEqual([['o-1', 1], ['订单-2', 2], ['o-3', 0xffffffff]]);
  });

  it('presizes for an expected size and still grows past it', () => {
    const d = new OrderDirectory(1000);
    const before = d.byteLength;
    for (let i = 0; i < 1000; i++) d.add(`o-${i}`, i);
    expect(d.byteLength).toBe(before);
    for (let i = 1000; i < 5000; i++) d.add(`o-${i}`, i);
    expect(d.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(d.get(`o-${i}`)).toBe(i);
    expect(() => new OrderDirectory(-1)).toThrow(/^E_INTERNAL: OrderDirectory: expected size must be from 0/);
  });

  it('round-trips through toBytes/fromBytes and toChunks/fromChunks, and keeps working', () => {
    const r = rng(7);
    const d = new OrderDirectory();
    const known: string[] = [];
    const model = new Map<string, number>();
    while (model.size < 20_000) {
      const id = randomId(r, known);
      if (model.has(id)) continue;
      const v = Math.floor(r() * 2 ** 32);
      d.add(id, v);
      model.set(id, v);
      known.push(id);
    }
    const bytes = d.toBytes();
    const back = OrderDirectory.fromBytes(bytes);
    expect(back.size).toBe(d.size);
    expect(entries(back)).toEqual([...model]);
    for (const id of known) expect(back.get(id)).toBe(model.get(id));
    expect(Buffer.from(back.toBytes()).equals(Buffer.from(bytes))).toBe(true);

    // chunks concatenate to the same bytes; any split reads back
    const chunks = d.toChunks();
    expect(Buffer.from(Buffer.concat(chunks)).equals(Buffer.from(bytes))).toBe(true);
    const cuts = [0, 1, 3, 17, 20, 21, 1001, bytes.length - 5, bytes.length].sort((a, b) => a - b);
    const pieces = cuts.slice(1).map((c, i) => bytes.subarray(cuts[i]!, c));
    expect(entries(OrderDirectory.fromChunks(pieces))).toEqual([...model]);

    // an unaligned copy (byteOffset 1) reads back too
    const unaligned = new Uint8Array(bytes.length + 1).subarray(1);
    unaligned.set(bytes);
    expect(OrderDirectory.fromBytes(unaligned).size).toBe(model.size);

    // adds after a load grow from the exact sizes
    back.add('after-load', 5);
    expect(() => back.add(known[0]!, 1)).toThrow(/duplicate/);
    expect(back.get('after-load')).toBe(5);
    expect(back.size).toBe(model.size + 1);

    const empty = OrderDirectory.fromBytes(new OrderDirectory().toBytes());
    expect(empty.size).toBe(0);
    empty.add('x', 1);
    expect(empty.get('x')).toBe(1);
  });

  describe('fromBytes refuses inconsistent input with E_CORRUPT', () => {
    const d = new OrderDirectory();
    ['o-1', '', '订单', 'o-22'].forEach((id, i) => d.add(id, i));
    const good = d.toBytes();
    const n = 4;
    const offsetAt = (i: number) => 20 + 4 * i;
    const patched = (at: number, u32: number) => {
      const b = good.slice();
      new DataView(b.buffer).setUint32(at, u32, true);
      return b;
    };

    it('reads the untouched bytes', () => {
      expect(entries(OrderDirectory.fromBytes(good))).toEqual([['o-1', 0], ['', 1], ['订单', 2], ['o-22', 3]]);
    });

    it('every truncation and trailing garbage', () => {
      for (let len = 0; len < good.length; len++) expectCorrupt(good.subarray(0, len), /truncated/);
      const longer = new Uint8Array(good.length + 1);
      longer.set(good);
      expectCorrupt(longer, /after the end/);
    });

    it('wrong magic and version', () => {
      const b = good.slice();
      b[0] = 0x58;
      expectCorrupt(b, /magic/);
      expectCorrupt(patched(4, 2), /version/);
    });

    it('offsets that run past the arena or go backwards', () => {
      const arenaLength = new DataView(good.buffer).getUint32(12, true);
      expectCorrupt(patched(offsetAt(n), arenaLength + 1), /arena length/);
      expectCorrupt(patched(offsetAt(2), arenaLength + 40), /below/);
      expectCorrupt(patched(offsetAt(2), 1), /below/);
      expectCorrupt(patched(offsetAt(0), 1), /first offset/);
      // a count or arena length that disagrees with the data
      expectCorrupt(patched(8, n + 1), /truncated/);
      expectCorrupt(patched(12, arenaLength + 100), /truncated/);
      expectCorrupt(patched(16, 1), /out of range/);
    });

    it('duplicate ids and ids that are not UTF-8', () => {
      const dup = new OrderDirectory();
      dup.add('ab', 1);
      dup.add('ac', 2);
      const b = dup.toBytes();
      b[b.length - 1] = 0x62; // 'ac' -> 'ab'
      expectCorrupt(b, /repeats/);

      const bad = dup.toBytes();
      bad[bad.length - 1] = 0xff;
      expectCorrupt(bad, /UTF-8/);

      // an offset that splits a 3-byte character
      const split = good.slice();
      const dv = new DataView(split.buffer);
      dv.setUint32(offsetAt(3), dv.getUint32(offsetAt(3), true) - 1, true);
      expectCorrupt(split, /UTF-8/);

      // a surrogate pair written as two 3-byte sequences (CESU-8) is not the shortest form,
      // while the same two as separate ids are fine
      const lead = [0xed, 0xa0, 0xbd], trail = [0xed, 0xb8, 0x80];
      expect(entries(OrderDirectory.fromBytes(serialize([lead, trail])))).toEqual([['\ud83d', 0], ['\ude00', 1]]);
      expectCorrupt(serialize([[...lead, ...trail]]), /UTF-8/);
      expectCorrupt(serialize([[0xc0, 0xaf]]), /UTF-8/); // overlong '/'
      expectCorrupt(serialize([[0xf4, 0x90, 0x80, 0x80]]), /UTF-8/); // past U+10FFFF
      expect(entries(OrderDirectory.fromBytes(serialize([[0xf0, 0x9f, 0x98, 0x80]])))).toEqual([['\ud83d\ude00', 0]]);
    });
  });

  it('holds 1M ids like o-00000001 in at most 40 bytes each', () => {
    const d = new OrderDirectory();
    const n = 1_000_000;
    for (let i = 1; i <= n; i++) d.add('o-' + String(i).padStart(8, '0'), i);
    expect(d.size).toBe(n);
    const perEntry = d.byteLength / d.size;
    const loaded = OrderDirectory.fromBytes(d.toBytes());
    console.log(
      `OrderDirectory: ${perEntry.toFixed(1)} bytes/entry grown from empty, ${(loaded.byteLength / n).toFixed(1)} after fromBytes, ` +
        `for ${n} 10-byte ids`,
    );
    expect(perEntry).toBeLessThanOrEqual(40);
    expect(loaded.byteLength / n).toBeLessThanOrEqual(30);
    expect(d.get('o-00000001')).toBe(1);
    expect(d.get('o-01000000')).toBe(n);
    expect(d.has('o-01000001')).toBe(false);
    expect(loaded.get('o-00500000')).toBe(500_000);
  });
});
