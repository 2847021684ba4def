/**
 * A `<bought>` bounded by the sum of its lines' quantities (issue 15, "bulk
 * buyer": snacks over the last 365 days, minQuantity 6; src/exec/sum-quantities.ts)
 * on a store on disk: wall time p50/p99 over warm runs.
 *
 *   node dist/src/cli/main.js gen --data /tmp/perfq/s30 --orders 20547945 --shards 4
 *   node dist/bench/bought-quantity.js --data /tmp/perfq/s30 [--threads 2] [--runs 20]
 */
import { parseArgs } from 'node:util';
import { Engine } from '../src/index.js';

const { values } = parseArgs({ options: {
  data: { type: 'string' }, threads: { type: 'string', default: '2' }, runs: { type: 'string', default: '20' },
  'as-of': { type: 'string', default: '2026-11-30T23:59:59+08:00' }, tz: { type: 'string', default: 'Asia/Shanghai' },
} });
if (values.data === undefined) throw new Error('--data DIR is required (a store: node dist/src/cli/main.js gen --data DIR --orders 20547945 --shards 4)');
const runs = Number(values.runs);
const xml = '<segment><bought category="snacks" last="365d" minQuantity="6"/></segment>';
const opts = { asOf: values['as-of'], tz: values.tz };
const engine = await Engine.open({ dir: values.data, readOnly: true, threads: Number(values.threads) });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
const first = await engine.query(xml, opts);
const wall: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const { count } = await engine.query(xml, opts);
  wall.push(performance.now() - t);
  if (count !== first.count) throw new Error('the count changed between runs');
}
console.log(`bulk buyer: count ${first.count}; wall p50 ${pct(wall, 0.5).toFixed(1)} p99 ${pct(wall, 0.99).toFixed(1)} ms (${runs} runs, threads ${values.threads})`);
await engine.close();
