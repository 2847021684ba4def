// The ClickHouse backend's operational side on a local 2-node cluster:
// loading errors (same codes and reasons as the in-process engine, nothing
// applied), refunds on their order's shard, events ordered across appends,
// saved segments shared by clients, a node down (a coded error, never a
// partial answer). Skipped, with a message, without clickhouse-server.
import { describe, expect, it } from 'vitest';
import { ClusterEngine } from '../../../src/backends/clickhouse/cluster/cluster-engine.js';
import { Engine } from '../../../src/engine/engine.js';
import { ShandianError } from '../../../src/model/errors.js';
import type { InputRecord } from '../../../src/model/records.js';
import { describeClickHouse, freshDatabase, useLocalCluster, type LocalCluster } from './cluster-harness.js';
import { chQuery } from './sql/load-rows.js';

const AS_OF = '2027-01-01T00:00:00Z';

const order = (id: string, customer: string, amount = '10.00', ts = '2026-11-11T00:03:12+08:00'): InputRecord => ({
  type: 'order', order_id: id, customer_id: customer, ts, shop: 'tmall', status: 'paid',
  lines: [{ sku: 'A', category: 'shoes', quantity: 1, amount }],
});

async function openOn(cluster: LocalCluster, database = freshDatabase('ops')): Promise<ClusterEngine> {
  const engine = await Engine.open({ clickhouse: { urls: cluster.urls, cluster: cluster.name, database } });
  await engine.createTables();
  return engine;
}

/** How many rows the cluster holds per table (through node 1's Distributed tables). */
async function rowCounts(cluster: LocalCluster, database: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['order_lines', 'refunds', 'attr_events', 'tag_events', 'customers']) {
    out[t] = Number((await chQuery(cluster.urls[0]!, `SELECT count() FROM \`${database}\`.\`${t}\``)).trim());
  }
  return out;
}

/** The error an append throws, in-process and on the cluster, after the same earlier appends. */
async function bothRefuse(cluster: LocalCluster, before: InputRecord[][], bad: InputRecord[]): Promise<{ local: ShandianError; remote: ShandianError; database: string }> {
  const local = await Engine.open({ shards: 2 });
  const database = freshDatabase('ops');
  const remote = await openOn(cluster, database);
  try {
    for (const batch of before) {
      await local.append(batch);
      await remote.append(batch);
    }
    const l = await local.append(bad).then(() => undefined, (e: unknown) => e);
    const r = await remote.append(bad).then(() => undefined, (e: unknown) => e);
    expect(l).toBeInstanceOf(ShandianError);
    expect(r).toBeInstanceOf(ShandianError);
    return { local: l as ShandianError, remote: r as ShandianError, database };
  } finally {
    await local.close();
    await remote.close();
  }
}

describeClickHouse('ClickHouse backend: loading, saved segments, a node down (2-node cluster)', () => {
  const cluster = useLocalCluster({ nodes: 2 });

  describe('loading errors: the in-process codes and reasons, nothing applied', () => {
    it('a bad record', async () => {
      const bad = [order('A1', 'c1'), { ...order('A2', 'c2'), lines: [{ sku: 'A', category: 'x', quantity: 1, amount: '1.005' }] }] as InputRecord[];
      const { local, remote, database } = await bothRefuse(cluster(), [], bad);
      expect(remote.code).toBe('E_BAD_RECORD');
      expect(remote.message).toBe(local.message);
      expect(await rowCounts(cluster(), database)).toEqual({ order_lines: 0, refunds: 0, attr_events: 0, tag_events: 0, customers: 0 });
    });

    it('a duplicate order_id within one append', async () => {
      const { local, remote, database } = await bothRefuse(cluster(), [], [order('D1', 'c1'), order('D2', 'c2'), order('D1', 'c3')]);
      expect(remote.code).toBe('E_BAD_RECORD');
      expect(remote.message).toBe(local.message);
      expect(remote.message).toContain('duplicate order_id "D1"');
      expect((await rowCounts(cluster(), database)).order_lines).toBe(0);
    });

    it('a duplicate order_id against what the cluster already holds (an earlier append, on another shard)', async () => {
      // c1 and c2..c40: the second order of id X1 goes to a customer of the other shard at least once
      const first = [order('X1', 'c1'), order('X2', 'c2')];
      const dups = Array.from({ length: 40 }, (_, i) => [order(`N${i}`, `d${i}`), order('X1', `d${i}`)]);
      for (const second of dups.slice(0, 3)) {
        const { local, remote, database } = await bothRefuse(cluster(), [first], second);
        expect(remote.code).toBe('E_BAD_RECORD');
        expect(remote.message).toBe(local.message);
        expect(remote.message).toContain('duplicate order_id "X1"');
        const counts = await rowCounts(cluster(), database);
        expect(counts.order_lines).toBe(2); // the first append only: N0 was not inserted either
        expect(counts.customers).toBe(2);
      }
    });

    it('a duplicate order_id among many (the lookup sent as external data)', async () => {
      const many = Array.from({ length: 3000 }, (_, i) => order(`M${i}`, `m${i % 700}`));
      const { local, remote, database } = await bothRefuse(cluster(), [many], [order('Z1', 'z'), order('M2999', 'z2')]);
      expect(remote.message).toBe(local.message);
      expect((await rowCounts(cluster(), database)).order_lines).toBe(3000);
    });

    it('a refund of an unknown order', async () => {
      const { local, remote, database } = await bothRefuse(cluster(), [[order('R1', 'c1')]], [{ type: 'refund', order_id: 'R1' }, { type: 'refund', order_id: 'nope' }]);
      expect(remote.code).toBe('E_BAD_RECORD');
      expect(remote.message).toBe(local.message);
      expect(remote.message).toContain('refund of unknown order_id "nope"');
      expect((await rowCounts(cluster(), database)).refunds).toBe(0);
    });
  });

  it('refunds land on their order\'s shard and stop it counting; events resolve in record order across appends', async () => {
    const database = freshDatabase('ops');
    const engine = await openOn(cluster(), database);
    try {
      const customers = Array.from({ length: 20 }, (_, i) => `r${i}`);
      await engine.append(customers.map((c, i) => order(`O${i}`, c)));
      await engine.append(customers.map((_, i) => ({ type: 'refund', order_id: `O${i}` }) as InputRecord));
      // every refund row sits on the node that holds its order's lines
      for (const url of cluster().urls) {
        const stray = await chQuery(url, `SELECT count() FROM \`${database}\`.refunds_local WHERE order_id NOT IN (SELECT order_id FROM \`${database}\`.order_lines_local)`);
        expect(stray.trim(), url).toBe('0');
        expect(Number((await chQuery(url, `SELECT count() FROM \`${database}\`.order_lines_local`)).trim()), `both nodes hold data (${url})`).toBeGreaterThan(0);
      }
      expect((await engine.query('<segment><bought/></segment>', { asOf: AS_OF })).count).toBe(0);
      // tag add, then remove in a later append; attribute set, then deleted, then set again
      await engine.append([{ type: 'tag', customer_id: 'r1', tag: 'vip', op: 'add' }, { type: 'customer', customer_id: 'r1', attrs: { city: 'Xiamen' } }]);
      await engine.append([{ type: 'tag', customer_id: 'r1', tag: 'vip', op: 'remove' }, { type: 'customer', customer_id: 'r1', attrs: { city: null } }]);
      await engine.append([{ type: 'tag', customer_id: 'r2', tag: 'vip', op: 'add' }, { type: 'customer', customer_id: 'r2', attrs: { city: 'Xiamen' } }]);
      const vip = await engine.query('<segment><tag name="vip"/></segment>', { asOf: AS_OF });
      expect([...(await collect(vip.ids()))]).toEqual(['r2']);
      expect(vip.has('r2')).toBe(true);
      expect(vip.has('r1')).toBe(false);
      expect(await engine.count('<segment><attr name="city" eq="Xiamen"/></segment>', { asOf: AS_OF })).toBe(1);
      expect(await engine.count('<segment><not><bought/></not></segment>', { asOf: AS_OF })).toBe(20);
    } finally {
      await engine.close();
    }
  });

  it('ids, shops, skus and attribute values with tabs, newlines, backslashes, quotes and non-ASCII text round-trip exactly', async () => {
    const database = freshDatabase('ops');
    const engine = await openOn(cluster(), database);
    try {
      const odd = ['a\tb', 'line\nbreak', 'back\\slash', "quo'te\"", '客户-42', 'nul\0x', 'cr\rx', '\\N'];
      await engine.append(odd.map((c, i) => ({ ...order(`odd-${c}`, c), shop: `s\t${i}` }) as InputRecord));
      await engine.append(odd.map((c) => ({ type: 'customer', customer_id: c, attrs: { note: `${c}\\t` } }) as InputRecord));
      const all = await engine.query('<segment><bought/></segment>', { asOf: AS_OF });
      expect(await collect(all.ids())).toEqual([...odd].sort());
      await expect(engine.append([order('odd-a\tb', 'x')])).rejects.toMatchObject({ code: 'E_BAD_RECORD' });
      expect(await engine.count(`<segment><attr name="note" eq="${'back\\slash\\t'}"/></segment>`, { asOf: AS_OF })).toBe(1);
      expect(await engine.count('<segment><bought shop="s&#9;3"/></segment>', { asOf: AS_OF })).toBe(1);
    } finally {
      await engine.close();
    }
  });

  it('saved segments are kept in the cluster: a second client sees them; unknown refs and cycles refused', async () => {
    const database = freshDatabase('ops');
    const a = await openOn(cluster(), database);
    const b = await Engine.open({ clickhouse: { urls: cluster().urls.join(','), cluster: cluster().name, database } });
    try {
      await a.append([order('S1', 's1', '100.00'), order('S2', 's2', '5.00'), order('S3', 's1', '1.00')]);
      await a.save('big', '<segment><bought minAmount="50"/></segment>');
      const seg = await b.query('<segment><ref segment="big"/></segment>', { asOf: AS_OF });
      expect([...(await collect(seg.ids()))]).toEqual(['s1']);
      expect((await b.segments()).map((s) => s.name)).toEqual(['big']);
      // b replaces it; a sees the new definition
      await b.save('big', '<segment><bought/></segment>');
      expect((await a.query('<segment><ref segment="big"/></segment>', { asOf: AS_OF })).count).toBe(2);
      await expect(b.query('<segment><ref segment="nope"/></segment>')).rejects.toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
      await a.save('c1', '<segment><ref segment="big"/></segment>');
      await expect(a.save('big', '<segment><ref segment="c1"/></segment>')).rejects.toMatchObject({ code: 'E_REF_CYCLE' });
      await expect(a.save('live', '<segment><bought/></segment>', { live: true })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('one node without --cluster: plain local tables, the same answers', async () => {
    const database = freshDatabase('one');
    const engine = await Engine.open({ clickhouse: { urls: [cluster().urls[1]!], database } });
    try {
      await engine.createTables();
      await engine.append([order('U1', 'u1', '60.00'), order('U2', 'u2'), { type: 'refund', order_id: 'U2' }, { type: 'tag', customer_id: 'u3', tag: 'vip', op: 'add' }]);
      await expect(engine.append([order('U1', 'x')])).rejects.toMatchObject({ code: 'E_BAD_RECORD' });
      expect(await engine.count('<segment><bought/></segment>', { asOf: AS_OF })).toBe(1);
      expect(await engine.count('<segment><not><bought/></not></segment>', { asOf: AS_OF })).toBe(2);
      const tables = await chQuery(cluster().urls[1]!, `SELECT name FROM system.tables WHERE database = '${database}' ORDER BY name`);
      expect(tables.trim().split('\n').every((t) => t.endsWith('_local'))).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('bad options are E_BAD_ARGS before anything connects; a node that is not ClickHouse at all is unavailable', async () => {
    await expect(Engine.open({ clickhouse: { urls: [] } })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await expect(Engine.open({ clickhouse: { urls: 'ftp://x' } })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await expect(Engine.open({ clickhouse: { urls: cluster().urls } })).rejects.toMatchObject({ code: 'E_BAD_ARGS' }); // two URLs, no cluster
    await expect(Engine.open({ clickhouse: { urls: cluster().urls, cluster: cluster().name, database: 'a-b' } })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    await expect(Engine.open({ clickhouse: { urls: 'http://127.0.0.1:1' } })).rejects.toMatchObject({ code: 'E_CLUSTER_UNAVAILABLE' });
  });

  it('a query on tables that do not exist: E_CLUSTER_ERROR saying to ingest first', async () => {
    const engine = await Engine.open({ clickhouse: { urls: cluster().urls, cluster: cluster().name, database: freshDatabase('missing') } });
    try {
      const e = await engine.count('<segment><bought/></segment>').catch((x: unknown) => x as ShandianError);
      expect(e).toMatchObject({ code: 'E_CLUSTER_ERROR' });
      expect((e as ShandianError).hint).toMatch(/ingest/);
    } finally {
      await engine.close();
    }
  });

  // last: it stops a node
  it('a node down: queries and appends fail with E_CLUSTER_UNAVAILABLE, nothing is inserted anywhere; back up, all is well', async () => {
    const database = freshDatabase('ops');
    const engine = await openOn(cluster(), database);
    try {
      await engine.append(Array.from({ length: 50 }, (_, i) => order(`P${i}`, `p${i}`)));
      expect(await engine.count('<segment><bought/></segment>', { asOf: AS_OF })).toBe(50);
      await cluster().nodes[1]!.stop();
      await expect(engine.query('<segment><bought/></segment>', { asOf: AS_OF })).rejects.toMatchObject({ code: 'E_CLUSTER_UNAVAILABLE' });
      await expect(engine.count('<segment><bought/></segment>', { asOf: AS_OF })).rejects.toMatchObject({ code: 'E_CLUSTER_UNAVAILABLE' });
      await expect(engine.append(Array.from({ length: 50 }, (_, i) => order(`Q${i}`, `q${i}`)))).rejects.toMatchObject({ code: 'E_CLUSTER_UNAVAILABLE' });
      // what node 1 holds did not change (no half of the batch landed)
      for (const t of ['customers_local', 'order_lines_local']) {
        const onFirst = Number((await chQuery(cluster().urls[0]!, `SELECT count() FROM \`${database}\`.${t} WHERE customer_id LIKE 'q%'`)).trim());
        expect(onFirst, t).toBe(0);
      }
      const e = await engine.portrait('<segment><bought/></segment>', { by: 'shop' }).catch((x: unknown) => x as ShandianError);
      expect(e).toMatchObject({ code: 'E_CLUSTER_UNAVAILABLE' });
      expect((e as ShandianError).message).toContain(cluster().urls[1]!);
    } finally {
      await cluster().nodes[1]!.start();
      await engine.close();
    }
    const again = await Engine.open({ clickhouse: { urls: cluster().urls, cluster: cluster().name, database } });
    try {
      expect(await again.count('<segment><bought/></segment>', { asOf: AS_OF })).toBe(50);
    } finally {
      await again.close();
    }
  });
});

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const x of it) out.push(x);
  return out.sort();
}
