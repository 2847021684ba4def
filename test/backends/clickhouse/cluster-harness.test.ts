import { expect, it } from 'vitest';
import { describeClickHouse, useLocalCluster } from './cluster-harness.js';

async function sql(url: string, query: string): Promise<string> {
  const res = await fetch(`${url}/?query=${encodeURIComponent(query)}`, { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text;
}

describeClickHouse('local ClickHouse cluster harness', () => {
  const cluster = useLocalCluster();

  it('starts two nodes that both answer, each a shard of shandian_test', async () => {
    const c = cluster();
    expect(c.urls).toHaveLength(2);
    for (const url of c.urls) expect(await sql(url, 'SELECT 1')).toBe('1\n');
    const shards = await sql(c.urls[0]!, "SELECT count() FROM system.clusters WHERE cluster = 'shandian_test'");
    expect(shards).toBe('2\n');
  });

  it('a Distributed table over both nodes sees rows of both', async () => {
    const c = cluster();
    for (const url of c.urls) {
      await sql(url, 'CREATE DATABASE IF NOT EXISTS h');
      await sql(url, 'CREATE TABLE IF NOT EXISTS h.t (x UInt32) ENGINE = MergeTree ORDER BY x');
      await sql(url, "CREATE TABLE IF NOT EXISTS h.d AS h.t ENGINE = Distributed(shandian_test, h, t, x)");
    }
    await sql(c.urls[0]!, 'INSERT INTO h.t VALUES (1)');
    await sql(c.urls[1]!, 'INSERT INTO h.t VALUES (2)');
    expect(await sql(c.urls[0]!, 'SELECT sum(x) FROM h.d')).toBe('3\n');
  });

  it('a node stopped and started again', async () => {
    const c = cluster();
    const node = c.nodes[1]!;
    await node.stop();
    expect(node.running).toBe(false);
    await expect(sql(c.urls[0]!, 'SELECT sum(x) FROM h.d')).rejects.toThrow();
    await node.start();
    expect(await sql(c.urls[0]!, 'SELECT sum(x) FROM h.d')).toBe('3\n');
  });
});
