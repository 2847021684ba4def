/**
 * `npm run bench:threads -- [--orders N] [--seconds S]`: worker-thread shards.
 *
 * 1. Heavy queries (spent >= 3000 yuan in 365 days over the whole store; a
 *    40-way OR of windows on the best-selling SKUs; and, for the fixed cost,
 *    a 40-way OR on rarely sold SKUs) on the same data in a 1-shard and a 2-shard
 *    store, each with a 2-thread pool, timed with tinybench: p50/p99 and the
 *    speedup. Answers must be identical (exit 1 if not).
 * 2. 32 concurrent callers querying for S seconds while another caller
 *    appends orders one at a time (fsync per group commit): latency p50/p99,
 *    queries/s, sustained append rate, and read-your-writes violations
 *    (a caller that saw fewer appended orders than were acknowledged before
 *    its query started; must be 0, exit 1 otherwise).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { buildGeneratedStore, Engine } from '../../src/index.js';
import { describeMachine } from '../common/machine.js';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '2000000' }, seconds: { type: 'string', default: '15' } } });
const ORDERS = Number(values.orders);
const SECONDS = Number(values.seconds);
const ASOF = '2026-11-30T23:59:59+08:00';
const HEAVY: Record<string, string> = {
  'spent >= 3000 in 365d': '<segment><bought last="365d" minAmount="3000"/></segment>',
  // filled in below with the store's 40 best-selling SKUs
  '40-way OR of top-SKU windows': '',
  // light: 40 rarely sold SKUs; shows the fixed cost of a pool round trip
  '40-way OR of rare-SKU windows': '<segment><or>' +
    Array.from({ length: 40 }, (_, i) => `<bought sku="SKU-${String(i * 3).padStart(6, '0')}" last="${30 + i * 7}d"/>`).join('') + '</or></segment>',
};

/** The 40 SKUs with the most order lines (read from the engine's posting lists). */
function topSkus(engine: Engine): string[] {
  const store = (engine as unknown as { store: { catalog: { skus: { all: readonly string[] } }; shards: { bySku: { posting(id: number): { size: number } | undefined } }[] } }).store;
  return store.catalog.skus.all
    .map((name, id) => ({ name, rows: store.shards.reduce((n, s) => n + (s.bySku.posting(id)?.size ?? 0), 0) }))
    .sort((a, b) => b.rows - a.rows)
    .slice(0, 40)
    .map((s) => s.name);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  console.log(`machine: ${machine.cpu}, ${machine.parallelism} cores, ${(machine.ramBytes / 2 ** 30).toFixed(0)} GiB, Node ${machine.node}`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-threads-'));
  try {
    const dirs: Record<number, string> = {};
    for (const shards of [1, 2]) {
      dirs[shards] = path.join(root, `s${shards}`);
      const r = buildGeneratedStore(dirs[shards], { orders: ORDERS, seed: 3, shards });
      console.log(`built ${shards}-shard store: ${r.lines.toLocaleString('en-US')} lines in ${(r.elapsedMs / 1000).toFixed(1)}s`);
    }

    console.log('\n## heavy queries, 2 worker threads\n');
    console.log('| query | 1 shard p50 | 1 shard p99 | 2 shards p50 | 2 shards p99 | speedup (p50) | customers |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    const engines = { 1: await Engine.open({ dir: dirs[1]!, threads: 2 }), 2: await Engine.open({ dir: dirs[2]!, threads: 2 }) };
    HEAVY['40-way OR of top-SKU windows'] = '<segment><or>' +
      topSkus(engines[2]).map((sku, i) => `<bought sku="${sku}" last="${120 + i * 5}d"/>`).join('') + '</or></segment>';
    let failed = false;
    for (const [name, xml] of Object.entries(HEAVY)) {
      const counts: number[] = [];
      const stats: { p50: number; p99: number }[] = [];
      for (const shards of [1, 2] as const) {
        const engine = engines[shards];
        counts.push((await engine.query(xml, { asOf: ASOF })).count);
        const bench = new Bench({ time: 3000, warmupTime: 500 });
        bench.add(name, async () => void (await engine.query(xml, { asOf: ASOF })));
        await bench.run();
        const r = bench.tasks[0]!.result;
        if (r.state !== 'completed') throw new Error(`bench ${name} ended ${r.state}`);
        stats.push({ p50: r.latency.p50!, p99: r.latency.p99! });
      }
      if (counts[0] !== counts[1]) {
        failed = true;
        console.error(`COUNT MISMATCH for ${name}: 1 shard ${counts[0]}, 2 shards ${counts[1]}`);
      }
      console.log(`| ${name} | ${stats[0]!.p50.toFixed(1)} ms | ${stats[0]!.p99.toFixed(1)} ms | ${stats[1]!.p50.toFixed(1)} ms | ${stats[1]!.p99.toFixed(1)} ms | ${(stats[0]!.p50 / stats[1]!.p50).toFixed(2)}x | ${counts[0]} |`);
    }
    await engines[1].close();

    console.log(`\n## 32 concurrent callers for ${SECONDS}s while one caller appends (2 shards, fsync)\n`);
    const engine = engines[2];
    let acked = 0, stop = false, violations = 0;
    const latencies: number[] = [];
    const writer = (async () => {
      for (let n = 1; !stop; n++) {
        await engine.append({ type: 'order', order_id: `RW-${n}`, customer_id: `rw-${n % 5000}`, ts: '2026-11-29T10:00:00+08:00',
          shop: 'jd', status: 'paid', lines: [{ sku: 'RW', category: 'rw', quantity: 1, amount: '1.00' }] });
        acked = n;
      }
    })();
    const mix = [
      '<segment><bought sku="RW"/></segment>',
      HEAVY['spent >= 3000 in 365d'],
      '<segment><bought category="skincare" last="90d" minCount="2"/><not><bought category="skincare" last="30d"/></not></segment>',
      '<segment><tag name="vip"/><attr name="city"><value>Xiamen</value><value>Shanghai</value></attr><bought last="180d"/></segment>',
    ];
    const started = performance.now();
    const callers = Array.from({ length: 32 }, async (_, c) => {
      for (let i = 0; !stop; i++) {
        const xml = mix[(c + i) % mix.length]!;
        const before = acked;
        const t0 = performance.now();
        const seg = await engine.query(xml, { asOf: ASOF });
        latencies.push(performance.now() - t0);
        if (xml === mix[0] && seg.count < Math.min(before, 5000)) violations++;
      }
    });
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    stop = true;
    await Promise.all([writer, ...callers]);
    const secs = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(`| queries | queries/s | p50 | p99 | appends acknowledged | appends/s | read-your-writes violations |`);
    console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
    console.log(`| ${latencies.length} | ${(latencies.length / secs).toFixed(0)} | ${pct(latencies, 50).toFixed(1)} ms | ${pct(latencies, 99).toFixed(1)} ms | ${acked} | ${(acked / secs).toFixed(0)} | ${violations} |`);
    await engine.close();
    if (violations > 0 || failed) process.exitCode = 1;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
