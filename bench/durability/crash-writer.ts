/**
 * Child process for kill -9 trials (test/log/crash.test.ts and
 * bench/durability/crash-soak.ts): appends batches of 1..1000 orders as fast as it can,
 * one customer per batch, and reports each batch before ("start") and after
 * ("ack") its append resolved. Usage: node dist/bench/durability/crash-writer.js DIR SEED
 */
import { Engine } from '../../src/index.js';

const [dir, seedText] = process.argv.slice(2);
let seed = Number(seedText) >>> 0 || 1;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

const engine = await Engine.open({ dir: dir!, shards: 2, threads: 0 });
for (let batch = engine.size.customers; ; batch++) {
  const size = 1 + Math.floor(rand() * 1000);
  const records = Array.from({ length: size }, (_, i) => ({
    type: 'order' as const, order_id: `B${batch}-${i}`, customer_id: `b${batch}`, ts: 1_700_000_000_000 + i * 1000,
    shop: 'jd', status: 'paid' as const, lines: [{ sku: `S${i % 7}`, category: 'c', quantity: 1, amount: '1.00' }],
  }));
  process.stdout.write(`start ${batch} ${size}\n`);
  await engine.append(records);
  process.stdout.write(`ack ${batch} ${size}\n`);
}
