/**
 * Child process for kill -9 trials of live segments (test/live/crash.test.ts
 * and bench/live/crash-soak.ts): saves four live segments on a fresh store,
 * then appends batches (orders, tags, refunds) as fast as it can, printing
 * "start N" before each append and "ack N SEQ" after it resolved, SEQ being
 * the feed's last seq at that moment (every change up to it was
 * acknowledged). Usage: node dist/bench/live/live-crash-writer.js DIR SEED
 */
import { Engine } from '../../src/index.js';
import { LIVE_CRASH_SEGMENTS } from './live-crash-segments.js';


const DAY = 86_400_000;

async function main(): Promise<void> {
  const [dir, seedText] = process.argv.slice(2);
  let seed = Number(seedText) >>> 0 || 1;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = (n: number) => Math.floor(rand() * n);
  const engine = await Engine.open({ dir: dir!, shards: 2, threads: 0 });
  for (const [name, xml] of Object.entries(LIVE_CRASH_SEGMENTS)) {
    if (!engine.savedSegments().includes(name)) await engine.save(name, xml, { live: true });
  }
  const acked: string[] = [];
  const now = Date.now();
  for (let batch = 0; ; batch++) {
    const size = 1 + pick(rand() < 0.2 ? 500 : 20);
    const records: object[] = [];
    for (let i = 0; i < size; i++) {
      const customer = `c${pick(300)}`;
      const r = rand();
      if (r < 0.15) records.push({ type: 'tag', customer_id: customer, tag: 'vip', op: rand() < 0.6 ? 'add' : 'remove' });
      else if (r < 0.22 && acked.length > 0) records.push({ type: 'refund', order_id: acked.splice(pick(acked.length), 1)[0]! });
      else {
        const id = `${seedText}-${batch}-${i}`;
        records.push({
          type: 'order', order_id: id, customer_id: customer, ts: now - 10 * DAY - pick(10 * DAY), shop: 'jd', status: 'paid',
          lines: [{ sku: `S${pick(7)}`, category: 'c', quantity: 1, amount: `${1 + pick(9)}.00` }],
        });
      }
    }
    process.stdout.write(`start ${batch}\n`);
    await engine.append(records as never);
    for (const r of records) if ((r as { type: string }).type === 'order') acked.push((r as { order_id: string }).order_id);
    process.stdout.write(`ack ${batch} ${engine.lastChangeSeq}\n`);
  }
}

await main();
