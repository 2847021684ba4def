import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AstBuilder, preOrder } from '../../../src/engine/ast-events.js';
import { Engine } from '../../../src/index.js';
import { parseSegment } from '../../../src/language/parse-segment.js';
import { expectQueryError, seg } from '../../query/expect-error.js';

const order = (id: string, customer: string, ts: string, sku = 'A', shop = 'tmall', status = 'paid') => ({
  type: 'order', order_id: id, customer_id: customer, ts, shop, status,
  lines: [{ sku, category: sku === 'A' ? 'shoes' : 'bags', quantity: 1, amount: '10.00' }],
});

// asOf 2026-11-30T00:00:00Z; the window used below is [2026-11-01T00:00:00Z, 2026-11-20T00:00:00Z]
const DATA = [
  order('a1', 'first-in', '2026-11-05T00:00:00Z'), // first ever in the window
  order('a2', 'first-in', '2026-11-25T00:00:00Z'), //   and a later one: last is after the window
  order('b1', 'old', '2026-10-01T00:00:00Z'), // first before the window
  order('b2', 'old', '2026-11-10T00:00:00Z'), //   last inside it
  order('c1', 'refunded-first', '2026-10-15T00:00:00Z'), // refunded: the first counting one is c2
  { type: 'refund', order_id: 'c1' },
  order('c2', 'refunded-first', '2026-11-02T00:00:00Z'),
  order('d1', 'lo-edge', '2026-11-01T00:00:00Z'), // exactly on lo
  order('e1', 'hi-edge', '2026-11-20T00:00:00Z'), // exactly on hi
  order('e2', 'hi-edge', '2026-11-20T00:00:01Z'), //   one second after: last is outside
  order('f1', 'same-second', '2026-10-31T23:59:59Z', 'B'), // a B order the second before lo
  order('f2', 'same-second', '2026-11-03T00:00:00Z', 'A'),
  order('f3', 'same-second', '2026-11-03T00:00:00Z', 'B'),
  order('g1', 'future', '2026-11-10T00:00:00Z'),
  order('g2', 'future', '2026-12-05T00:00:00Z'), // after asOf: never counts
  order('h1', 'pending', '2026-10-01T00:00:00Z', 'A', 'tmall', 'refunded'), // status refunded: never counts
  order('h2', 'pending', '2026-11-04T00:00:00Z'),
  order('i1', 'refunded-last', '2026-11-06T00:00:00Z'),
  order('i2', 'refunded-last', '2026-11-26T00:00:00Z'),
  { type: 'refund', order_id: 'i2' }, // the last counting order moves back into the window
];

const ASOF = '2026-11-30T00:00:00Z';
const W = 'from="2026-11-01T00:00:00Z" to="2026-11-20T00:00:00Z"';
const q = (body: string) => `<segment asOf="${ASOF}" tz="UTC">${body}</segment>`;

async function open(opts: object = {}): Promise<Engine> {
  const engine = await Engine.open({ durability: 'none', ...opts });
  await engine.append(DATA);
  return engine;
}

async function ids(engine: Engine, body: string): Promise<string[]> {
  return [...(await engine.query(q(body))).idsSync()].sort();
}

describe('<firstOrder>/<lastOrder> reader', () => {
  it('reads filters (attribute or any-of children) and the window', () => {
    const s = parseSegment(seg('<firstOrder shop="jd" last="30d"><sku>A</sku><sku>B</sku><sku>A</sku></firstOrder>'));
    expect(s.children[0]).toMatchObject({ kind: 'firstOrder', shops: ['jd'], skus: ['A', 'B'], window: { kind: 'last', amount: 30, unit: 'd' } });
    const l = parseSegment(seg('<lastOrder category="shoes"/>'));
    expect(l.children[0]).toMatchObject({ kind: 'lastOrder', categories: ['shoes'], window: { kind: 'all' } });
  });

  it('crosses threads as a leaf (ast-events: rebuilt without a children list)', () => {
    const ast = parseSegment(seg('<or><firstOrder sku="A" last="30d"/><not><lastOrder><shop>jd</shop></lastOrder></not></or>'));
    const b = new AstBuilder();
    b.add([...preOrder(ast)]);
    expect(b.result).toStrictEqual(ast);
  });

  it.each(['minCount="2"', 'maxCount="3"', 'minAmount="10"', 'maxAmount="10"', 'minQuantity="2"'])('refuses the threshold %s with E_UNKNOWN_ATTRIBUTE', (attr) => {
    for (const name of ['firstOrder', 'lastOrder']) {
      const err = expectQueryError(seg(`<${name} ${attr}/>`), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
      expect(err.message).toContain('takes no thresholds');
      expect(err.hint).toContain('<bought');
    }
  });

  it('refuses what <bought> refuses in its filters and window', () => {
    for (const name of ['firstOrder', 'lastOrder']) {
      expectQueryError(seg(`<${name} sku="A"><sku>B</sku></${name}>`), 'E_CONFLICT', { line: 2, column: 3 });
      expectQueryError(seg(`<${name} last="30d" from="2026-01-01"/>`), 'E_CONFLICT', { line: 2, column: 3 });
      expectQueryError(seg(`<${name} from="2026-02-01" to="2026-01-01"/>`), 'E_BAD_DATE', { line: 2, column: 3 });
      expectQueryError(seg(`<${name} from="2026-13-01"/>`), 'E_BAD_DATE', { line: 2, column: 3 });
      expectQueryError(seg(`<${name} last="30"/>`), 'E_BAD_DURATION', { line: 2, column: 3 });
      expectQueryError(seg(`<${name} colour="red"/>`), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
      expectQueryError(seg(`<${name}><tag name="x"/></${name}>`), 'E_UNKNOWN_ELEMENT');
      expectQueryError(seg(`<${name}>text</${name}>`), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
      expectQueryError(seg(`<${name}><sku a="1">A</sku></${name}>`), 'E_UNKNOWN_ATTRIBUTE');
    }
  });
});

describe('<firstOrder>/<lastOrder> results', () => {
  it('firstOrder: the earliest counting matching order up to asOf is in the window (refunds, edges, asOf)', async () => {
    const engine = await open();
    expect(await ids(engine, `<firstOrder ${W}/>`)).toEqual(['first-in', 'future', 'hi-edge', 'lo-edge', 'pending', 'refunded-first', 'refunded-last']);
    // with a filter: same-second's first B order is before lo, its first A order inside
    expect(await ids(engine, `<firstOrder sku="B" ${W}/>`)).toEqual([]);
    expect(await ids(engine, `<firstOrder sku="A" ${W}/>`)).toContain('same-second');
    expect(await ids(engine, `<firstOrder ${W}><sku>A</sku><sku>B</sku></firstOrder>`)).not.toContain('same-second');
    // no window: everyone with a counting order up to asOf
    expect((await ids(engine, '<firstOrder/>')).length).toBe(9);
    await engine.close();
  });

  it('lastOrder: the latest counting matching order up to asOf is in the window', async () => {
    const engine = await open();
    expect(await ids(engine, `<lastOrder ${W}/>`)).toEqual(['future', 'lo-edge', 'old', 'pending', 'refunded-first', 'refunded-last', 'same-second']);
    expect(await ids(engine, `<lastOrder sku="B" ${W}/>`)).toEqual(['same-second']);
    await engine.close();
  });

  it('sees every acknowledged append and refund (read-your-writes)', async () => {
    const engine = await open();
    await engine.append([order('x1', 'late', '2026-10-20T00:00:00Z')]);
    await engine.append([order('x2', 'late', '2026-11-12T00:00:00Z')]);
    expect(await ids(engine, `<firstOrder ${W}/>`)).not.toContain('late');
    expect(await ids(engine, `<lastOrder ${W}/>`)).toContain('late');
    await engine.append([{ type: 'refund', order_id: 'x1' }]);
    expect(await ids(engine, `<firstOrder ${W}/>`)).toContain('late');
    await engine.append([order('x3', 'late', '2026-11-21T00:00:00Z')]);
    expect(await ids(engine, `<lastOrder ${W}/>`)).not.toContain('late');
    await engine.close();
  });

  it('composes with and/or/not/ref and with and-siblings (candidates)', async () => {
    const engine = await open();
    await engine.save('new', q(`<firstOrder ${W}/>`));
    expect(await ids(engine, `<lastOrder ${W}/><ref segment="new"/>`)).toEqual(['future', 'lo-edge', 'pending', 'refunded-first', 'refunded-last']);
    expect(await ids(engine, `<lastOrder ${W}/><not><firstOrder ${W}/></not>`)).toEqual(['old', 'same-second']);
    expect(await ids(engine, `<or><firstOrder sku="B"/><lastOrder ${W}/></or>`)).toContain('same-second');
    expect(await ids(engine, `<bought sku="B"/><firstOrder sku="A" ${W}/>`)).toEqual(['same-second']);
    await engine.close();
  });

  it('its <bought> scans take candidates from a small and-sibling (semi-join pushdown)', async () => {
    const engine = await Engine.open({ durability: 'none', shards: 1 });
    await engine.append([...DATA, { type: 'tag', customer_id: 'same-second', tag: 'vip', op: 'add' }]);
    const { plan } = await engine.explain(q(`<tag name="vip"/><lastOrder shop="tmall" ${W}/>`));
    const last = plan.children.find((c) => c.op === 'lastOrder')!;
    expect(last.children[0]!.detail).toContain('scanned for 1 candidates');
    expect(plan.actual).toBe(1);
    await engine.close();
  });

  it('explains itself: op, detail, and the two <bought> scans under it', async () => {
    const engine = await open();
    const { plan } = await engine.explain(q(`<firstOrder sku="A" ${W}/>`));
    expect(plan.op).toBe('firstOrder');
    expect(plan.detail).toBe('earliest counting order with sku in [A] at ts in [2026-11-01T00:00:00.000Z, 2026-11-20T00:00:00.000Z]; keep first, remove who ordered before');
    expect(plan.children.map((c) => c.op)).toEqual(['bought', 'bought']);
    const last = (await engine.explain(q('<lastOrder shop="tmall" last="30d"/>'))).plan;
    expect(last.op).toBe('lastOrder');
    expect(last.children).toHaveLength(1); // the window reaches asOf: nothing after it to remove
    // no filter: from the per-customer first/last order ts, no scans under it
    const rollup = (await engine.explain(q(`<firstOrder ${W}/>`))).plan;
    expect(rollup.detail).toContain('from the per-customer first/last order ts');
    expect(rollup.children).toHaveLength(0);
    await engine.close();
  });

  it('takes relative bounds (7.1): lapsed between 90 and 10 days before asOf, and a mixed pair past each other is empty', async () => {
    const engine = await open();
    // asOf - 10 d = 2026-11-20T00:00:00Z, on hi-edge's e1; its e2 one second later is the last one
    expect(await ids(engine, '<lastOrder from="-90d" to="-10d"/>')).toEqual(['future', 'lo-edge', 'old', 'pending', 'refunded-first', 'refunded-last', 'same-second']);
    expect(await ids(engine, '<firstOrder from="-29d" to="-10d"/>')).toEqual(['first-in', 'future', 'hi-edge', 'lo-edge', 'pending', 'refunded-first', 'refunded-last']);
    expect(await ids(engine, '<firstOrder from="-5d" to="2026-11-01"/>')).toEqual([]);
    await engine.close();
  });

  it('an empty window matches nobody', async () => {
    const engine = await open();
    expect(await ids(engine, '<firstOrder from="2026-12-01T00:00:00Z"/>')).toEqual([]);
    await engine.close();
  });
});

// Worker threads run the compiled engine (as test/engine/threads.test.ts does).
const built = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/src/index.js');
describe.runIf(fs.existsSync(built))('<firstOrder>/<lastOrder> in the worker pool', () => {
  it('gives the in-process answers, its <bought> scans run in the workers', async () => {
    const { Engine: Built } = (await import(built)) as typeof import('../../../src/index.js');
    const bodies = [`<firstOrder ${W}/>`, `<lastOrder ${W}/>`, `<firstOrder sku="A" ${W}/>`, `<lastOrder sku="B" ${W}/><not><firstOrder last="60d"/></not>`];
    const local = await open();
    const pooled = await Built.open({ durability: 'none', shards: 2, threads: 2, poolMinLines: 0 });
    await pooled.append(DATA);
    expect(pooled.workerThreads.length).toBeGreaterThan(0);
    for (const body of bodies) expect([...(await pooled.query(q(body))).idsSync()].sort()).toEqual(await ids(local, body));
    await local.close();
    await pooled.close();
  });
});

describe('unfiltered <firstOrder>/<lastOrder> from the per-customer rollup (index/order-edges.ts)', () => {
  // Every order below is on shop tmall, so `shop="tmall"` plans the same question as the two
  // <bought> scans: the rollup must agree with them after every append and refund, at asOfs
  // before, between and after the orders (a lastOrder into the past takes the scans' fallback).
  it('agrees with the scans after random appends and refunds, on 1 and 3 shards', async () => {
    let seed = 12345;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const base = Date.UTC(2026, 10, 1) / 1000;
    for (const shards of [1, 3]) {
      const engine = await Engine.open({ durability: 'none', shards, threads: 0 });
      const orders: string[] = [];
      let checks = 0;
      for (let step = 0; step < 25; step++) {
        const batch: object[] = [];
        // a refund of an order of an earlier batch (refunding one twice changes nothing)
        if (orders.length > 0 && rnd(2) === 0) batch.push({ type: 'refund', order_id: orders[rnd(orders.length)]! });
        for (let i = 0; i < 1 + rnd(6); i++) {
          const id = `o${step}-${i}`;
          orders.push(id);
          // few distinct seconds: same-second orders and ties on first/last are common
          batch.push(order(id, `c${rnd(8)}`, new Date((base + rnd(20) * 86400 + rnd(2)) * 1000).toISOString()));
        }
        await engine.append(batch as never);
        for (const asOf of ['2026-11-05T00:00:00Z', '2026-11-12T00:00:01Z', '2026-12-30T00:00:00Z']) {
          for (const w of ['', 'last="5d"', 'from="2026-11-03T00:00:00Z" to="2026-11-15T00:00:00Z"', 'from="-9d" to="-2d"']) {
            for (const kind of ['firstOrder', 'lastOrder']) {
              const byRollup = [...(await engine.query(`<segment asOf="${asOf}" tz="UTC"><${kind} ${w}/></segment>`)).idsSync()].sort();
              const byScans = [...(await engine.query(`<segment asOf="${asOf}" tz="UTC"><${kind} shop="tmall" ${w}/></segment>`)).idsSync()].sort();
              expect(byRollup, `${kind} ${w} at ${asOf}, step ${step}, ${shards} shards`).toEqual(byScans);
              checks++;
            }
          }
        }
      }
      expect(checks).toBe(25 * 3 * 4 * 2);
      await engine.close();
    }
  });
});
