import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Worker threads run the compiled worker, so this suite drives the built
// engine (npm test builds first); the TypeScript sources evaluate in-process.
const here = path.dirname(fileURLToPath(import.meta.url));
const built = path.join(here, '../../dist/src/index.js');
const hasBuild = fs.existsSync(built);

type EngineModule = typeof import('../../src/index.js');
type GenModule = typeof import('../../src/gen/index.js');
let Engine: EngineModule['Engine'];
let records: object[];

const ASOF = '2026-11-30T23:59:59+08:00';
const QUERIES = [
  '<segment><bought last="365d" minAmount="3000"/></segment>',
  '<segment><bought category="skincare" last="90d" minCount="2"/><not><bought category="skincare" last="30d"/></not></segment>',
  '<segment><or>' + Array.from({ length: 40 }, (_, i) => `<bought sku="SKU-${String(i * 3).padStart(6, '0')}" last="${30 + i * 7}d"/>`).join('') + '</or></segment>',
  '<segment><bought shop="tmall-flagship" last="26w"/><tag name="vip"/><not><attr name="city" eq="Beijing"/></not></segment>',
  // contract 7.1 and 7.2: relative bounds, quantity sums over lines and over orders
  '<segment><bought category="skincare" from="-180d" to="-30d" minQuantity="2"/><bought from="-52w" minQuantity="4" maxQuantity="12" minAmount="100"/></segment>',
];

beforeAll(async () => {
  if (!hasBuild) return;
  Engine = ((await import(built)) as EngineModule).Engine;
  const gen = (await import(path.join(here, '../../dist/src/gen/index.js'))) as GenModule;
  records = [...gen.generate({ orders: 20_000, seed: 11 })];
});

async function load(opts: object) {
  const engine = await Engine.open({ durability: 'none', poolMinLines: 0, poolMinComplement: 0, ...opts });
  for (let i = 0; i < records.length; i += 5000) await engine.append(records.slice(i, i + 5000));
  return engine;
}

async function idsOf(engine: InstanceType<EngineModule['Engine']>, xml: string, opts = {}) {
  return [...(await engine.query(xml, { asOf: ASOF, ...opts })).idsSync()].sort();
}

describe.runIf(hasBuild)('worker threads', () => {
  it('give the same answers as in-process evaluation, for 1 and 2 shards', async () => {
    const reference = await load({ shards: 1, threads: 0 });
    const expected = await Promise.all(QUERIES.map((q) => idsOf(reference, q)));
    await reference.close();
    for (const shards of [1, 2]) {
      const engine = await load({ shards, threads: 2 });
      expect(engine.workerThreads.length).toBeGreaterThan(0);
      for (let i = 0; i < QUERIES.length; i++) expect(await idsOf(engine, QUERIES[i]!)).toEqual(expected[i]);
      await engine.close();
    }
  });

  it('refuses work beyond the queue with E_OVERLOADED, and times out waiting queries with E_TIMEOUT', async () => {
    const engine = await load({ shards: 2, threads: 2, maxConcurrentQueries: 1, maxQueuedQueries: 1 });
    const first = engine.query(QUERIES[2]!, { asOf: ASOF });
    const second = engine.query(QUERIES[0]!, { asOf: ASOF, timeoutMs: 1 });
    const third = engine.query(QUERIES[0]!, { asOf: ASOF });
    await expect(third).rejects.toMatchObject({ code: 'E_OVERLOADED' });
    await expect(second).rejects.toMatchObject({ code: 'E_TIMEOUT' });
    expect((await first).count).toBeGreaterThan(0);
    // and the engine still answers
    expect((await engine.query(QUERIES[0]!, { asOf: ASOF })).count).toBeGreaterThan(0);
    await engine.close();
  });

  it('aborts a running query with its AbortSignal', async () => {
    const engine = await load({ shards: 2, threads: 2 });
    const ac = new AbortController();
    const running = engine.query(QUERIES[2]!, { asOf: ASOF, signal: ac.signal });
    ac.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect((await engine.query(QUERIES[0]!, { asOf: ASOF })).count).toBeGreaterThan(0);
    await engine.close();
  });

  it('replaces a worker that dies; the query in flight fails or answers exactly, later ones answer exactly', async () => {
    const engine = await load({ shards: 2, threads: 2 });
    const expected = await idsOf(engine, QUERIES[2]!);
    const inFlight = idsOf(engine, QUERIES[2]!);
    await engine.workerThreads[0]!.terminate();
    const outcome = await inFlight.then((ids) => ids, (e: Error) => e);
    if (Array.isArray(outcome)) expect(outcome).toEqual(expected);
    else expect(outcome).toBeInstanceOf(Error);
    for (let i = 0; i < 3; i++) expect(await idsOf(engine, QUERIES[2]!)).toEqual(expected);
    await engine.close();
  });

  it('32 concurrent callers always read their writes while another caller appends', async () => {
    const engine = await load({ shards: 2, threads: 2 });
    let acked = 0;
    let stop = false;
    let violations = 0;
    let queries = 0;
    const writer = (async () => {
      for (let n = 1; !stop; n++) {
        await engine.append({ type: 'order', order_id: `RW-${n}`, customer_id: `rw-${n}`, ts: '2026-11-20T10:00:00+08:00',
          shop: 'jd', status: 'paid', lines: [{ sku: 'RW', category: 'rw', quantity: 1, amount: '1.00' }] });
        acked = n;
      }
    })();
    const callers = Array.from({ length: 32 }, async () => {
      while (!stop) {
        const before = acked;
        const seen = (await engine.query('<segment><bought sku="RW"/></segment>', { asOf: ASOF })).count;
        queries++;
        if (seen < before) violations++;
      }
    });
    await new Promise((r) => setTimeout(r, 2000));
    stop = true;
    await Promise.all([writer, ...callers]);
    expect(violations).toBe(0);
    expect(queries).toBeGreaterThan(32);
    expect(acked).toBeGreaterThan(1);
    await engine.close();
  });

  it('complement tasks (live totals) run in the workers and never see half an append', async () => {
    const engine = await load({ shards: 2, threads: 2 });
    // every customer with 2+ alive orders in ten years: an unfiltered wide window, computed as totals minus outside
    const xml = '<segment><bought last="3650d" minCount="2"/></segment>';
    const explained = await engine.explain(xml, { asOf: ASOF });
    expect(explained.plan.op).toBe('bought');
    const base = (await engine.query(xml, { asOf: ASOF })).count;
    const order = (id: string, customer: string) => ({ type: 'order' as const, order_id: id, customer_id: customer,
      ts: '2026-11-20T10:00:00+08:00', shop: 'jd', status: 'paid' as const, lines: [{ sku: 'GT', category: 'gt', quantity: 1, amount: '1.00' }] });
    // batch n (one atomic append): two orders for customer gt-n, a refund of one of gt-(n-1)'s:
    // after every batch exactly one gt customer has two alive orders
    await engine.append([order('GT-1-a', 'gt-1'), order('GT-1-b', 'gt-1')]);
    let stop = false;
    let torn = 0;
    let queries = 0;
    const writer = (async () => {
      for (let n = 2; !stop; n++) {
        await engine.append([order(`GT-${n}-a`, `gt-${n}`), order(`GT-${n}-b`, `gt-${n}`), { type: 'refund', order_id: `GT-${n - 1}-b` }]);
      }
    })();
    const readers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const seen = (await engine.query(xml, { asOf: ASOF })).count;
        queries++;
        if (seen !== base + 1) torn++;
      }
    });
    await new Promise((r) => setTimeout(r, 2000));
    stop = true;
    await Promise.all([writer, ...readers]);
    expect(torn).toBe(0);
    expect(queries).toBeGreaterThan(8);
    await engine.close();
  });
});

