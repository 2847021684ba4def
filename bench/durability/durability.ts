/**
 * `npm run bench:durability -- [--orders N]`: what durability costs.
 *
 * - append throughput with fsync, one caller, batches of 1, 10, 100, 1000 orders;
 * - the same with 32 concurrent callers of 1 order each (group commit);
 * - snapshot size per order line, and reopen time, for a store of N generated
 *   orders built with `gen --data` (reopen = Engine.open on the snapshot, read-only
 *   and read-write).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildGeneratedStore, Engine } from '../../src/index.js';
import { describeMachine } from '../common/machine.js';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '2000000' }, seconds: { type: 'string', default: '3' } } });
const ORDERS = Number(values.orders);
const SECONDS = Number(values.seconds);

let nextOrder = 0;
const order = () => {
  const n = nextOrder++;
  return { type: 'order' as const, order_id: `D${n}`, customer_id: `d${n % 10000}`, ts: 1_780_000_000_000 + n * 1000, shop: 'jd', status: 'paid' as const,
    lines: [{ sku: `S${n % 500}`, category: 'c', quantity: 1, amount: '9.90' }] };
};

async function main(): Promise<void> {
  const m = describeMachine();
  console.log(`machine: ${m.cpu}, ${m.parallelism} cores, ${(m.ramBytes / 2 ** 30).toFixed(0)} GiB, Node ${m.node}, disk ${process.env.TMPDIR ?? os.tmpdir()}`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-durability-'));
  try {
    console.log('\n| callers | orders per append | appends/s | orders/s |');
    console.log('| --- | --- | --- | --- |');
    for (const batch of [1, 10, 100, 1000]) {
      const engine = await Engine.open({ dir: path.join(root, `b${batch}`), shards: 2 });
      let appends = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < SECONDS * 1000) {
        await engine.append(Array.from({ length: batch }, order));
        appends++;
      }
      const secs = (performance.now() - t0) / 1000;
      console.log(`| 1 | ${batch} | ${(appends / secs).toFixed(0)} | ${((appends * batch) / secs).toFixed(0)} |`);
      await engine.close();
    }
    {
      const engine = await Engine.open({ dir: path.join(root, 'concurrent'), shards: 2 });
      let appends = 0, stop = false;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (!stop) {
          await engine.append(order());
          appends++;
          if (performance.now() - t0 > SECONDS * 1000) stop = true;
        }
      }));
      const secs = (performance.now() - t0) / 1000;
      console.log(`| 32 | 1 | ${(appends / secs).toFixed(0)} | ${(appends / secs).toFixed(0)} |`);
      await engine.close();
    }

    const dir = path.join(root, 'big');
    const built = buildGeneratedStore(dir, { orders: ORDERS, seed: 1, shards: 2 });
    console.log(`\nstore: ${built.lines.toLocaleString('en-US')} order lines, ${built.orders.toLocaleString('en-US')} orders, ${built.customers.toLocaleString('en-US')} customers, built in ${(built.elapsedMs / 1000).toFixed(1)}s`);
    console.log(`snapshot: ${(built.snapshotBytes / 2 ** 20).toFixed(0)} MiB, ${(built.snapshotBytes / built.lines).toFixed(1)} bytes per order line`);
    for (const readOnly of [true, false]) {
      const t0 = performance.now();
      const engine = await Engine.open({ dir, readOnly, threads: 0 });
      const openMs = performance.now() - t0;
      const count = (await engine.query('<segment><bought last="30d"/></segment>', { asOf: '2026-11-30T23:59:59+08:00' })).count;
      console.log(`reopen (${readOnly ? 'read-only' : 'read-write'}): ${(openMs / 1000).toFixed(2)}s, first query answered ${count} customers`);
      await engine.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
