import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-engine-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const order = (id: string, customer: string, ts: string, sku: string, amount = '10.00', shop = 'tmall') => ({
  type: 'order', order_id: id, customer_id: customer, ts, shop, status: 'paid',
  lines: [{ sku, category: 'shoes', quantity: 1, amount }],
});

const DATA = [
  order('T1', 'c1', '2026-11-11T00:03:12+08:00', 'A', '299.00'),
  order('T2', 'c2', '2026-11-10T12:00:00+08:00', 'A'),
  order('T3', 'c2', '2026-11-10T13:00:00+08:00', 'B'),
  order('T4', 'c3', '2026-10-01T00:00:00+08:00', 'A'),
  { type: 'refund', order_id: 'T4' },
  { type: 'customer', customer_id: 'c4', attrs: { city: 'Xiamen', age: 31 } },
  { type: 'tag', customer_id: 'c1', tag: 'vip', op: 'add' },
];

const CROSS_SELL = '<segment asOf="2026-11-12T00:00:00+08:00" tz="Asia/Shanghai"><bought sku="A" from="2026-10-01" to="2026-11-11"/><not><bought sku="B" from="2026-10-01" to="2026-11-11"/></not></segment>';

async function ids(engine: Engine, xml: string, opts = {}): Promise<string[]> {
  const seg = await engine.query(xml, opts);
  const out: string[] = [];
  for await (const id of seg.ids()) out.push(id);
  expect(out.length).toBe(seg.count);
  return out.sort();
}

describe('Engine', () => {
  it('keeps values past the narrow columns exact (huge amounts and quantities, ts before 1970), also after a snapshot', async () => {
    const dir = tmp();
    const big = (id: string, customer: string, ts: string, amount: string, quantity: number) => ({
      type: 'order', order_id: id, customer_id: customer, ts, shop: 'tmall', status: 'paid',
      lines: [{ sku: 'A', category: 'shoes', quantity, amount }],
    });
    const records = [
      big('N1', 'c1', '2026-11-11T00:00:00Z', '50000000.00', 70_000), // 5e9 cents: past Uint32
      big('N2', 'c2', '2026-11-11T00:00:01Z', '42949672.95', 1), // 2^32-1 cents: the Uint32 edge
      big('N3', 'c3', '1969-12-31T00:00:00Z', '1.00', 1), // negative epoch seconds
    ];
    const huge = '<segment asOf="2026-12-01T00:00:00Z"><bought minAmount="42949672.96"/></segment>';
    const edge = '<segment asOf="2026-12-01T00:00:00Z"><bought sku="A" minAmount="42949672.95" maxAmount="42949672.95"/></segment>';
    const old = '<segment asOf="2026-12-01T00:00:00Z" tz="UTC"><bought from="1969-12-30" to="1969-12-31"/></segment>';
    const a = await Engine.open({ dir });
    await a.append(records);
    const check = async (e: Engine) => {
      expect(await ids(e, huge)).toEqual(['c1']);
      expect(await ids(e, edge)).toEqual(['c2']);
      expect(await ids(e, old)).toEqual(['c3']);
    };
    await check(a);
    await a.snapshot();
    await a.close();
    const b = await Engine.open({ dir, readOnly: true });
    await check(b);
    await b.close();
  });

  it('answers the contract example in memory', async () => {
    const engine = await Engine.open({ shards: 2 });
    await engine.append(DATA);
    expect(await ids(engine, CROSS_SELL)).toEqual(['c1']);
    expect(await ids(engine, '<segment><not><bought/></not></segment>', { asOf: '2026-12-01T00:00:00Z' })).toEqual(['c3', 'c4']);
    await engine.close();
  });

  it('persists, reopens with the recorded shard count, and refuses a different one', async () => {
    const dir = tmp();
    const a = await Engine.open({ dir, shards: 3 });
    await a.append(DATA);
    await a.save('xsell', CROSS_SELL);
    await a.close();
    const b = await Engine.open({ dir });
    expect(b.size).toMatchObject({ shards: 3, customers: 4, orders: 4, lines: 4 });
    expect(await ids(b, '<segment><ref segment="xsell"/></segment>', { asOf: '2026-11-12T00:00:00+08:00', tz: 'Asia/Shanghai' })).toEqual(['c1']);
    await b.close();
    await expect(Engine.open({ dir, shards: 2 })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
  });

  it('holds a single writer lock; read-only opens do not take it', async () => {
    const dir = tmp();
    const writer = await Engine.open({ dir });
    await writer.append(DATA.slice(0, 2));
    await expect(Engine.open({ dir })).rejects.toMatchObject({ code: 'E_LOCKED' });
    const reader = await Engine.open({ dir, readOnly: true });
    expect(reader.size.orders).toBe(2);
    await expect(reader.append(DATA.slice(2, 3))).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await reader.close();
    await writer.close();
    const again = await Engine.open({ dir });
    await again.close();
  });

  it('takes over a stale lock of a dead process', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'LOCK'), '999999999\n');
    const engine = await Engine.open({ dir });
    await engine.close();
  });

  it('applies a batch all or nothing', async () => {
    const engine = await Engine.open({ shards: 2 });
    await engine.append(DATA.slice(0, 2));
    const before = (await engine.query('<segment><not><tag name="x"/></not></segment>')).count;
    const bad = [order('T9', 'new-customer', '2026-11-01T00:00:00Z', 'Z'), order('T1', 'c1', '2026-11-01T00:00:00Z', 'A')];
    await expect(engine.append(bad)).rejects.toMatchObject({ code: 'E_BAD_RECORD', where: { line: 2 } });
    await expect(engine.append([{ type: 'refund', order_id: 'nope' }])).rejects.toMatchObject({ code: 'E_BAD_RECORD' });
    await expect(engine.append([{ ...order('T8', 'c8', '2026-11-01T00:00:00Z', 'A'), lines: [] }])).rejects.toMatchObject({ code: 'E_BAD_RECORD' });
    expect((await engine.query('<segment><not><tag name="x"/></not></segment>')).count).toBe(before);
    // a refund may refer to an order earlier in the same batch
    await engine.append([order('T5', 'c5', '2026-11-01T00:00:00Z', 'A'), { type: 'refund', order_id: 'T5' }]);
    expect(await ids(engine, '<segment><bought sku="A"/></segment>')).toEqual(['c1', 'c2']);
    await engine.close();
  });

  it('reads its own writes', async () => {
    const engine = await Engine.open({ dir: tmp() });
    for (let i = 0; i < 20; i++) {
      await engine.append(order(`R${i}`, `c${i}`, '2026-11-01T00:00:00Z', 'A'));
      expect((await engine.query('<segment><bought sku="A"/></segment>')).count).toBe(i + 1);
    }
    await engine.close();
  });

  it('honours asOf and tz precedence: segment attribute, then caller option, then engine zone', async () => {
    const engine = await Engine.open({ tz: 'America/New_York' });
    // 2026-11-11 04:30Z is Nov 10 evening in New York, Nov 11 noon in Shanghai
    await engine.append(order('Z1', 'z1', '2026-11-11T04:30:00Z', 'A'));
    const q = (attrs: string) => `<segment${attrs}><bought sku="A" from="2026-11-11" to="2026-11-11"/></segment>`;
    const asOf = '2026-12-01T00:00:00Z';
    expect((await engine.query(q(''), { asOf })).count).toBe(0); // engine zone: New York
    expect((await engine.query(q(''), { asOf, tz: 'Asia/Shanghai' })).count).toBe(1);
    expect((await engine.query(q(' tz="America/New_York"'), { asOf, tz: 'Asia/Shanghai' })).count).toBe(0);
    expect((await engine.query(q(' tz="Asia/Shanghai" asOf="2026-11-11T04:29:59Z"'), { asOf })).count).toBe(0);
    await expect(engine.query(q(''), { asOf, tz: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'E_BAD_TZ' });
    await expect(engine.query(q(''), { asOf: 'yesterday' })).rejects.toMatchObject({ code: 'E_BAD_DATE' });
    await engine.close();
  });

  it('refuses unknown refs and cycles when saving and when querying', async () => {
    const engine = await Engine.open({});
    await expect(engine.save('a', '<segment><ref segment="b"/></segment>')).rejects.toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
    await engine.save('a', '<segment><tag name="vip"/></segment>');
    await engine.save('b', '<segment><ref segment="a"/></segment>');
    await expect(engine.save('a', '<segment><ref segment="b"/></segment>')).rejects.toMatchObject({ code: 'E_REF_CYCLE' });
    // the failed save left the old definition in place
    expect((await engine.query('<segment><ref segment="b"/></segment>')).count).toBe(0);
    await expect(engine.query('<segment><ref segment="zzz"/></segment>')).rejects.toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
    await engine.close();
  });

  it('stops on an aborted signal, and the store still answers', async () => {
    const engine = await Engine.open({});
    await engine.append(DATA);
    const ac = new AbortController();
    ac.abort();
    await expect(engine.query(CROSS_SELL, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect((await engine.query(CROSS_SELL)).count).toBe(1);
    await engine.close();
  });

  it('explains with estimates, actual sizes and times per node', async () => {
    const engine = await Engine.open({ shards: 2 });
    await engine.append(DATA);
    const ex = await engine.explain(CROSS_SELL);
    expect(ex.count).toBe(1);
    expect(ex.plan.op).toBe('andNot');
    expect(ex.plan.children.map((c) => c.actual)).toEqual([2, 1]);
    expect(ex.plan.line).toBe(1);
    await engine.close();
  });

  it('limits a <bought> to the customers its and-siblings allow, and says so in explain', async () => {
    const engine = await Engine.open({});
    await engine.append(DATA);
    const xml = '<segment asOf="2026-11-12T00:00:00+08:00" tz="Asia/Shanghai"><tag name="vip"/><bought sku="A" from="2026-10-01" to="2026-11-11"/></segment>';
    expect(await ids(engine, xml)).toEqual(['c1']);
    const ex = await engine.explain(xml);
    const bought = ex.plan.children.find((c) => c.op === 'bought')!;
    // c1 and c2 bought A; only c1 (vip) was a candidate
    expect(bought.actual).toBe(1);
    expect(bought.detail).toContain('scanned for 1 candidates');
    await engine.close();
  });

  it('keeps a segment stable under later appends', async () => {
    const engine = await Engine.open({});
    await engine.append(DATA);
    const seg = await engine.query('<segment><tag name="vip"/></segment>');
    await engine.append({ type: 'tag', customer_id: 'c2', tag: 'vip', op: 'add' });
    expect(seg.count).toBe(1);
    expect([...seg.idsSync()]).toEqual(['c1']);
    await engine.close();
  });

  it('refuses use after close', async () => {
    const engine = await Engine.open({});
    await engine.close();
    await expect(engine.query(CROSS_SELL)).rejects.toMatchObject({ code: 'E_CLOSED' });
  });
});

describe('Engine time zones and ref positions', () => {
  it('accepts only IANA zone names as written', async () => {
    const engine = await Engine.open({});
    for (const bad of ['CST', 'PRC', 'asia/shanghai', '', 'Mars/Base']) {
      await expect(engine.query('<segment><tag name="a"/></segment>', { tz: bad })).rejects.toMatchObject({ code: 'E_BAD_TZ' });
    }
    for (const good of ['UTC', 'Asia/Shanghai', 'America/New_York', 'Etc/GMT+8']) {
      await expect(engine.query('<segment><tag name="a"/></segment>', { tz: good })).resolves.toBeDefined();
    }
    // checked even when the segment names its own zone and asOf
    await expect(engine.query('<segment tz="UTC"><tag name="a"/></segment>', { tz: 'Mars/Base' })).rejects.toMatchObject({ code: 'E_BAD_TZ' });
    await engine.close();
  });

  it('reports an unknown ref at its line and column', async () => {
    const engine = await Engine.open({});
    await expect(engine.query('<segment>\n  <ref segment="x"/></segment>')).rejects.toMatchObject({
      code: 'E_UNKNOWN_SEGMENT',
      where: { line: 2, column: 3 },
    });
    await engine.close();
  });
});

describe('Engine group commit and write errors', () => {
  it('commits concurrent appends together, in call order, each all or nothing', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 2 });
    const results = await Promise.allSettled([
      engine.append(order('G1', 'g1', '2026-11-01T00:00:00Z', 'A')),
      engine.append([order('G2', 'g2', '2026-11-01T00:00:00Z', 'A'), { type: 'refund', order_id: 'G1' }]), // refund of G1, same group
      engine.append(order('G1', 'g3', '2026-11-01T00:00:00Z', 'A')), // duplicate of the first: refused
      engine.append(order('G4', 'g4', '2026-11-01T00:00:00Z', 'A')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await ids(engine, '<segment><bought sku="A"/></segment>')).toEqual(['g2', 'g4']);
    await engine.close();
    const again = await Engine.open({ dir });
    expect(await ids(again, '<segment><bought sku="A"/></segment>')).toEqual(['g2', 'g4']);
    expect(again.size.customers).toBe(3);
    await again.close();
  });

  it('an ENOSPC while logging rejects with E_IO, applies nothing, and the engine goes on', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir });
    await engine.append(order('W1', 'w1', '2026-11-01T00:00:00Z', 'A'));
    const log = (engine as unknown as { log: { files: { write: unknown; datasync: unknown } } }).log;
    const real = log.files;
    log.files = { ...real, datasync: async () => { throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }); } };
    await expect(engine.append(order('W2', 'w2', '2026-11-01T00:00:00Z', 'A'))).rejects.toMatchObject({ code: 'E_IO' });
    expect(await ids(engine, '<segment><not><tag name="none"/></not></segment>')).toEqual(['w1']);
    log.files = real;
    await engine.append(order('W2', 'w2', '2026-11-01T00:00:00Z', 'A')); // not a duplicate: the failed one never counted
    await engine.close();
    const again = await Engine.open({ dir });
    expect(await ids(again, '<segment><bought sku="A"/></segment>')).toEqual(['w1', 'w2']);
    await again.close();
  });
});

describe('late orders', () => {
  it('orders older than the newest stay exact through the unordered tail and its merges', async () => {
    const engine = await Engine.open({ shards: 1 });
    // a newest order first, then 600 older ones (forcing several tail merges), each customer once
    await engine.append(order('N0', 'n0', '2026-11-30T00:00:00Z', 'A', '1.00'));
    for (let i = 1; i <= 600; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      await engine.append([order(`N${i}`, `n${i}`, `2026-10-${day}T12:00:00Z`, 'A', '1.00'), order(`M${i}`, `n${i}`, `2026-10-${day}T12:00:00Z`, 'A', '2.00')]);
    }
    const inWindow = [...Array(600).keys()].map((i) => i + 1).filter((i) => 1 + (i % 28) >= 10 && 1 + (i % 28) <= 20);
    const q = '<segment><bought sku="A" from="2026-10-10" to="2026-10-20" minCount="2" maxCount="2" minAmount="3.00" maxAmount="3.00"/></segment>';
    expect(await ids(engine, q, { asOf: '2026-12-01T00:00:00Z' })).toEqual(inWindow.map((i) => `n${i}`).sort());
    await engine.close();
  });
});

describe('attribute names', () => {
  it('keep odd names such as __proto__ and constructor through the log and a snapshot', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir });
    await engine.append(JSON.parse('{"type":"customer","customer_id":"p1","attrs":{"__proto__":"x","constructor":7}}'));
    await engine.close(); // small log: no snapshot, reopen replays
    const again = await Engine.open({ dir });
    expect(await ids(again, '<segment><attr name="__proto__" eq="x"/><attr name="constructor" eq="7"/></segment>')).toEqual(['p1']);
    await again.snapshot();
    await again.close();
    const third = await Engine.open({ dir, readOnly: true });
    expect(await ids(third, '<segment><attr name="__proto__" eq="x"/><attr name="constructor" gte="7"/></segment>')).toEqual(['p1']);
    await third.close();
  });
});
