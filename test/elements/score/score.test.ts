import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AstBuilder, preOrder } from '../../../src/engine/ast-events.js';
import { Engine } from '../../../src/index.js';
import { parseSegment } from '../../../src/language/parse-segment.js';
import { expectQueryError, seg } from '../../query/expect-error.js';

interface Line { sku: string; category: string; quantity: number; amount: string }
interface Order { type: 'order'; order_id: string; customer_id: string; ts: string; shop: string; status: string; lines: Line[] }
type Rec = Order | { type: 'refund'; order_id: string };

const ASOF = '2026-11-30T00:00:00Z';
const q = (body: string) => `<segment asOf="${ASOF}" tz="UTC">${body}</segment>`;

/** mulberry32 */
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

/** Data made to bite: few distinct amounts and times (equal totals, ties), refunds, orders after asOf, status refunded. */
function data(seed: number, customers: number): Rec[] {
  const r = rng(seed);
  const out: Rec[] = [];
  const skus = ['A', 'B', 'C'];
  let id = 0;
  for (let c = 0; c < customers; c++) {
    const orders = Math.floor(r() * 4);
    for (let o = 0; o < orders; o++) {
      const day = 1 + Math.floor(r() * 28);
      const month = r() < 0.8 ? 11 : r() < 0.5 ? 10 : 12;
      const lines: Line[] = [];
      for (let l = 0, n = 1 + Math.floor(r() * 3); l < n; l++) {
        const sku = skus[Math.floor(r() * skus.length)]!;
        lines.push({ sku, category: sku === 'C' ? 'bags' : 'shoes', quantity: 1 + Math.floor(r() * 3), amount: ['10.00', '20.00', '5.50'][Math.floor(r() * 3)]! });
      }
      const orderId = `o${id++}`;
      out.push({ type: 'order', order_id: orderId, customer_id: `c${c}`, ts: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T00:00:00Z`, shop: r() < 0.5 ? 'tmall' : 'jd', status: r() < 0.05 ? 'refunded' : 'paid', lines });
      if (r() < 0.1) out.push({ type: 'refund', order_id: orderId });
    }
  }
  return out;
}

type By = 'recency' | 'frequency' | 'monetary' | 'quantity';

/** The contract's rule, directly from the records (a third implementation beside the engine and test/oracle/model.ts). */
function expected(recs: Rec[], by: By, opts: { sku?: string; fromTs?: number; scale?: number; cuts?: number[]; min: number; max?: number }): string[] {
  const refunded = new Set(recs.filter((x) => x.type === 'refund').map((x) => x.order_id));
  const asOf = Date.parse(ASOF) / 1000;
  const v = new Map<string, number>();
  for (const o of recs) {
    if (o.type !== 'order' || o.status === 'refunded' || refunded.has(o.order_id)) continue;
    const ts = Date.parse(o.ts) / 1000;
    if (ts > asOf || (opts.fromTs !== undefined && ts < opts.fromTs)) continue;
    const lines = o.lines.filter((l) => opts.sku === undefined || l.sku === opts.sku);
    if (lines.length === 0) continue;
    const old = v.get(o.customer_id);
    const add = by === 'recency' ? ts : by === 'frequency' ? 1
      : by === 'monetary' ? lines.reduce((s, l) => s + Math.round(Number(l.amount) * 100), 0) : lines.reduce((s, l) => s + l.quantity, 0);
    v.set(o.customer_id, old === undefined ? add : by === 'recency' ? Math.max(old, add) : old + add);
  }
  const all = [...v.values()];
  const n = all.length;
  const out: string[] = [];
  for (const [c, x] of v) {
    let s: number;
    if (opts.cuts) s = 1 + opts.cuts.filter((cut) => x >= cut).length;
    else {
      const k = opts.scale ?? 5;
      const l = all.filter((d) => d < x).length;
      s = Math.min(k, 1 + Math.floor((k * l) / n));
    }
    const top = opts.cuts ? opts.cuts.length + 1 : (opts.scale ?? 5);
    if (s >= opts.min && s <= (opts.max ?? top)) out.push(c);
  }
  return out.sort();
}

async function ids(engine: Engine, body: string): Promise<string[]> {
  return [...(await engine.query(q(body))).idsSync()].sort();
}

describe('<score> reader', () => {
  it('reads by, filters, window, scale or cuts, min and max (default: the top score)', () => {
    const s = parseSegment(seg('<score by="monetary" last="365d" scale="5" min="4"/>')).children[0];
    expect(s).toMatchObject({ kind: 'score', by: 'monetary', window: { kind: 'last', amount: 365, unit: 'd' }, scale: 5, min: 4, max: 5 });
    expect(parseSegment(seg('<score by="frequency" min="2"/>')).children[0]).toMatchObject({ scale: 5, max: 5, window: { kind: 'all' } });
    const c = parseSegment(seg('<score by="monetary" cuts="1000,5000,20000.5" min="3" max="3"><sku>A</sku><sku>B</sku></score>')).children[0];
    expect(c).toMatchObject({ cuts: [100000, 500000, 2000050], min: 3, max: 3, skus: ['A', 'B'] });
    expect(c).not.toHaveProperty('scale');
    expect(parseSegment(seg('<score by="quantity" cuts="0,10" min="1"/>')).children[0]).toMatchObject({ cuts: [0, 10], max: 3 });
    expect(parseSegment(seg('<score by="recency" scale="100" min="100" from="-90d"/>')).children[0]).toMatchObject({ scale: 100, min: 100, max: 100 });
  });

  it('crosses threads as a leaf (ast-events: rebuilt without a children list)', () => {
    const ast = parseSegment(seg('<or><score by="recency" min="4"/><not><score by="monetary" cuts="10" min="2"><shop>jd</shop></score></not></or>'));
    const b = new AstBuilder();
    b.add([...preOrder(ast)]);
    expect(b.result).toStrictEqual(ast);
  });

  const at = { line: 2, column: 3 };
  it.each([
    ['<score min="1"/>', 'E_MISSING_ATTRIBUTE', 'needs a by'],
    ['<score by="monetary"/>', 'E_MISSING_ATTRIBUTE', 'needs a min'],
    ['<score by="spend" min="1"/>', 'E_BAD_VALUE', 'is not a score'],
    ['<score by="Monetary" min="1"/>', 'E_BAD_VALUE', 'is not a score'],
    ['<score by="monetary" scale="1" min="1"/>', 'E_BAD_NUMBER', 'scale="1"'],
    ['<score by="monetary" scale="101" min="1"/>', 'E_BAD_NUMBER', 'scale="101"'],
    ['<score by="monetary" scale="5.0" min="1"/>', 'E_BAD_NUMBER', 'scale="5.0"'],
    ['<score by="monetary" scale="5" cuts="10" min="1"/>', 'E_CONFLICT', 'not both'],
    ['<score by="recency" cuts="10" min="1"/>', 'E_CONFLICT', 'takes no cuts'],
    ['<score by="frequency" cuts="1.5" min="1"/>', 'E_BAD_NUMBER', 'is not a whole number'],
    ['<score by="quantity" cuts="-1,3" min="1"/>', 'E_BAD_NUMBER', 'is not a whole number'],
    ['<score by="monetary" cuts="10.001" min="1"/>', 'E_BAD_NUMBER', 'is not an amount'],
    ['<score by="monetary" cuts="" min="1"/>', 'E_BAD_NUMBER', 'is not an amount'],
    ['<score by="monetary" cuts="10,,20" min="1"/>', 'E_BAD_NUMBER', 'is not an amount'],
    ['<score by="monetary" cuts="10, 20" min="1"/>', 'E_BAD_NUMBER', 'is not an amount'],
    ['<score by="monetary" cuts="20,10" min="1"/>', 'E_BAD_NUMBER', 'strictly increasing'],
    ['<score by="frequency" cuts="2,2" min="1"/>', 'E_BAD_NUMBER', 'strictly increasing'],
    ['<score by="monetary" min="0"/>', 'E_BAD_NUMBER', 'from 1 to 5'],
    ['<score by="monetary" min="6"/>', 'E_BAD_NUMBER', 'from 1 to 5'],
    ['<score by="monetary" min="1" max="6"/>', 'E_BAD_NUMBER', 'from 1 to 5'],
    ['<score by="monetary" cuts="10,20" min="4"/>', 'E_BAD_NUMBER', 'from 1 to 3'],
    ['<score by="monetary" min="x"/>', 'E_BAD_NUMBER', 'from 1 to 5'],
    ['<score by="monetary" min="4" max="3"/>', 'E_BAD_NUMBER', 'is above max'],
    ['<score by="monetary" min="1" minAmount="3"/>', 'E_UNKNOWN_ATTRIBUTE', 'unknown attribute'],
    ['<score by="monetary" min="1" last="30d" from="2026-01-01"/>', 'E_CONFLICT', 'last cannot'],
    ['<score by="monetary" min="1" from="2026-02-01" to="2026-01-01"/>', 'E_BAD_DATE', 'after'],
    ['<score by="monetary" min="1" last="30"/>', 'E_BAD_DURATION', 'not a duration'],
    ['<score by="monetary" min="1" sku="A"><sku>B</sku></score>', 'E_CONFLICT', ''],
    ['<score by="monetary" min="1">text</score>', 'E_UNKNOWN_ELEMENT', 'text'],
  ] as const)('refuses %s with %s', (body, code, words) => {
    const err = expectQueryError(seg(body), code, at);
    expect(err.message).toContain(words);
  });

  it('refuses a condition element inside it', () => {
    expectQueryError(seg('<score by="monetary" min="1"><tag name="x"/></score>'), 'E_UNKNOWN_ELEMENT');
  });
});

describe('<score> results: the whole store, any shard count', () => {
  const recs = data(11, 300);
  const cases: { body: string; by: By; opts: Parameters<typeof expected>[2] }[] = [
    { body: '<score by="recency" min="4"/>', by: 'recency', opts: { min: 4 } },
    { body: '<score by="frequency" min="2" max="3"/>', by: 'frequency', opts: { min: 2, max: 3 } },
    { body: '<score by="monetary" scale="3" min="3"/>', by: 'monetary', opts: { scale: 3, min: 3 } },
    { body: '<score by="quantity" scale="10" min="1" max="4"/>', by: 'quantity', opts: { scale: 10, min: 1, max: 4 } },
    { body: '<score by="monetary" sku="A" scale="7" min="5" max="6"/>', by: 'monetary', opts: { sku: 'A', scale: 7, min: 5, max: 6 } },
    { body: '<score by="quantity" sku="B" min="3"/>', by: 'quantity', opts: { sku: 'B', min: 3 } },
    { body: '<score by="frequency" sku="C" scale="100" min="50"/>', by: 'frequency', opts: { sku: 'C', scale: 100, min: 50 } },
    { body: '<score by="recency" sku="A" from="2026-11-10" scale="4" min="2" max="3"/>', by: 'recency', opts: { sku: 'A', fromTs: Date.parse('2026-11-10T00:00:00Z') / 1000, scale: 4, min: 2, max: 3 } },
    { body: '<score by="monetary" cuts="20,40.5,60" min="2" max="3"/>', by: 'monetary', opts: { cuts: [2000, 4050, 6000], min: 2, max: 3 } },
    { body: '<score by="frequency" cuts="2,3" min="2"/>', by: 'frequency', opts: { cuts: [2, 3], min: 2 } },
    { body: '<score by="quantity" sku="A" cuts="0,4" min="1" max="1"/>', by: 'quantity', opts: { sku: 'A', cuts: [0, 4], min: 1, max: 1 } },
  ];

  it.each([1, 2, 3, 7])('shards: %i gives the rule\'s answer', async (shards) => {
    const engine = await Engine.open({ durability: 'none', shards });
    await engine.append(recs);
    for (const { body, by, opts } of cases) {
      const want = expected(recs, by, opts);
      expect(await ids(engine, body), body).toEqual(want);
    }
    // the population matters: scores of a sku subset are not those of everyone
    expect(expected(recs, 'monetary', { sku: 'A', min: 5 })).not.toEqual(expected(recs, 'monetary', { min: 5 }));
    await engine.close();
  });

  it('equal values get equal scores (no tier splits equal spenders)', async () => {
    const order = (id: string, c: string, amount: string) => ({ type: 'order', order_id: id, customer_id: c, ts: '2026-11-01T00:00:00Z', shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'x', quantity: 1, amount }] });
    const engine = await Engine.open({ durability: 'none', shards: 3 });
    // 10 customers, all spend 10.00: L = 0 for all, score 1 for all (NTILE would spread them over 5 tiers)
    await engine.append(Array.from({ length: 10 }, (_, i) => order(`o${i}`, `c${i}`, '10.00')));
    expect((await ids(engine, '<score by="monetary" min="1" max="1"/>')).length).toBe(10);
    expect(await ids(engine, '<score by="monetary" min="2"/>')).toEqual([]);
    // one more spends more: L = 10 of n = 11, score min(5, 1 + floor(50/11)) = 5
    await engine.append([order('big', 'whale', '99.00')]);
    expect(await ids(engine, '<score by="monetary" min="5"/>')).toEqual(['whale']);
    await engine.close();
  });

  it('sums past 2^32 - 1 cents (8-byte values) score as exactly as small ones', async () => {
    const order = (id: string, c: string, amount: string) => ({ type: 'order', order_id: id, customer_id: c, ts: '2026-11-01T00:00:00Z', shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'x', quantity: 1, amount }] });
    const engine = await Engine.open({ durability: 'none', shards: 2 });
    // 42,949,672.95 yuan is 2^32 - 1 cents: one customer above it, one exactly on it, others small
    await engine.append([order('w1', 'whale', '50000000.00'), order('w2', 'edge', '42949672.95'), order('s1', 'small', '1.00'), order('s2', 'small2', '1.00'), order('s3', 'mid', '2.00')]);
    expect(await ids(engine, '<score by="monetary" min="5"/>')).toEqual(['whale']);
    expect(await ids(engine, '<score by="monetary" min="4" max="4"/>')).toEqual(['edge']);
    expect(await ids(engine, '<score by="monetary" min="1" max="1"/>')).toEqual(['small', 'small2']);
    expect(await ids(engine, '<score by="monetary" cuts="42949672.95,42949672.96" min="2"/>')).toEqual(['edge', 'whale']);
    expect(await ids(engine, '<score by="monetary" cuts="42949672.95,42949672.96" min="3"/>')).toEqual(['whale']);
    await engine.close();
  });

  it('sees every acknowledged append and refund, the population included (read-your-writes)', async () => {
    const engine = await Engine.open({ durability: 'none', shards: 2 });
    await engine.append(recs);
    const body = '<score by="monetary" min="5"/>';
    expect(await ids(engine, body)).toEqual(expected(recs, 'monetary', { min: 5 }));
    const top = (await ids(engine, body))[0]!;
    // refunding every order of a top customer takes them out of the population
    const theirs = recs.filter((x): x is Order => x.type === 'order' && x.customer_id === top).map((o) => ({ type: 'refund' as const, order_id: o.order_id }));
    await engine.append(theirs);
    const after = [...recs, ...theirs];
    expect(await ids(engine, body)).toEqual(expected(after, 'monetary', { min: 5 }));
    expect(await ids(engine, body)).not.toContain(top);
    // 50 new small spenders push others' ranks up
    const small = Array.from({ length: 50 }, (_, i) => ({ type: 'order' as const, order_id: `n${i}`, customer_id: `new${i}`, ts: '2026-11-02T00:00:00Z', shop: 'jd', status: 'paid', lines: [{ sku: 'A', category: 'shoes', quantity: 1, amount: '0.01' }] }));
    await engine.append(small);
    const all = [...after, ...small];
    expect(await ids(engine, body)).toEqual(expected(all, 'monetary', { min: 5 }));
    expect(await ids(engine, '<score by="monetary" min="1" max="1"/>')).toEqual(expected(all, 'monetary', { min: 1, max: 1 }));
    await engine.close();
  });

  it('composes with and/or/not/ref: RFM champions, and a <bought> beside it', async () => {
    const engine = await Engine.open({ durability: 'none', shards: 3 });
    await engine.append(recs);
    const champions = '<and><score by="recency" min="4"/><score by="frequency" min="4"/><score by="monetary" min="4"/></and>';
    const r = expected(recs, 'recency', { min: 4 }), f = expected(recs, 'frequency', { min: 4 }), m = expected(recs, 'monetary', { min: 4 });
    const want = r.filter((c) => f.includes(c) && m.includes(c));
    expect(await ids(engine, champions)).toEqual(want);
    await engine.save('champions', q(champions));
    expect(await ids(engine, '<ref segment="champions"/><not><score by="quantity" min="5"/></not>')).toEqual(want.filter((c) => !expected(recs, 'quantity', { min: 5 }).includes(c)));
    // a small <score> limits its <bought> sibling (candidates); the answer is the intersection either way
    const bought = '<bought sku="B" minCount="1"/>';
    const withB = await ids(engine, `<score by="monetary" scale="100" min="95"/>${bought}`);
    const onlyB = await ids(engine, bought);
    expect(withB).toEqual(expected(recs, 'monetary', { scale: 100, min: 95 }).filter((c) => onlyB.includes(c)));
    await engine.close();
  });

  it('explains itself; an empty window scores nobody', async () => {
    const engine = await Engine.open({ durability: 'none', shards: 2 });
    await engine.append(recs);
    const { plan } = await engine.explain(q('<score by="monetary" sku="A" last="30d" cuts="10,20" min="2"/>'));
    expect(plan.op).toBe('score');
    expect(plan.detail).toBe('monetary of counting orders with sku in [A] at ts in [2026-10-31T00:00:01.000Z, 2026-11-30T00:00:00.000Z]; cuts [10.00, 20.00], scores 2..3 (population: the whole store)');
    expect(await ids(engine, '<score by="monetary" from="2026-12-01" min="1"/>')).toEqual([]);
    await engine.close();
  });
});

// Worker threads run the compiled engine (as test/engine/threads.test.ts does).
const built = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/src/index.js');
describe.runIf(fs.existsSync(built))('<score> beside the worker pool', () => {
  it('gives the in-process answers while its <bought> siblings run in the workers', async () => {
    const { Engine: Built } = (await import(built)) as typeof import('../../../src/index.js');
    const recs = data(23, 400);
    const bodies = [
      '<score by="monetary" min="4"/><bought sku="A"/>',
      '<score by="frequency" scale="3" min="3"/><bought sku="B" minCount="2"/>',
      '<or><score by="recency" min="5"/><not><bought category="bags"/></not></or>',
      '<and><score by="recency" min="4"/><score by="frequency" min="4"/><score by="monetary" min="4"/></and><bought shop="jd"/>',
      '<score by="quantity" cuts="2,5" min="2" max="2"/><not><score by="monetary" scale="10" min="10"/></not>',
    ];
    const local = await Engine.open({ durability: 'none', shards: 1, threads: 0 });
    await local.append(recs);
    const pooled = await Built.open({ durability: 'none', shards: 3, threads: 2, poolMinLines: 0 });
    await pooled.append(recs);
    expect(pooled.workerThreads.length).toBeGreaterThan(0);
    for (const body of bodies) expect([...(await pooled.query(q(body))).idsSync()].sort(), body).toEqual(await ids(local, body));
    await local.close();
    await pooled.close();
  });
});
