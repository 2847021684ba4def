/**
 * `node dist/bench/standard/probe.js DIR [--runs N] [--only ID]`: the eight scenarios
 * on an existing store built by `shandian gen --data DIR --orders N` (default
 * customers and seed), engine only, p50/p99 per scenario. A quick loop for
 * profiling (`node --cpu-prof dist/bench/standard/probe.js ...`); the benchmark of
 * record, with DuckDB beside it, is bench/standard/run.ts.
 */
import { parseArgs } from 'node:util';
import { Engine } from '../../src/index.js';
import { DataStats, recordBatches } from './data.js';
import { AS_OF, buildScenarios, TZ } from './scenarios.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '30' }, only: { type: 'string' }, threads: { type: 'string' } },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: node dist/bench/standard/probe.js DIR [--runs N] [--only SCENARIO] [--threads T]\n');
  process.exit(2);
}
let started = performance.now();
const engine = await Engine.open({ dir, durability: 'none', ...(values.threads ? { threads: Number(values.threads) } : {}) });
const orders = engine.size.orders;
process.stderr.write(`opened ${dir} in ${(performance.now() - started).toFixed(0)} ms: ${orders} orders\n`);
// the SKU ranks the scenarios pick from, from the same generator run
started = performance.now();
const stats = new DataStats();
for (const batch of recordBatches(orders)) for (const r of batch) if (r.type === 'order') stats.addOrder(r.lines);
process.stderr.write(`ranked SKUs in ${(performance.now() - started).toFixed(0)} ms\n`);

const runs = Number(values.runs);
for (const s of buildScenarios(stats)) {
  if (values.only && s.id !== values.only) continue;
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < runs + 3; i++) {
    const t = performance.now();
    count = (await engine.query(s.xml, { asOf: AS_OF, tz: TZ })).count;
    if (i >= 3) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  process.stdout.write(`${s.id.padEnd(22)} count ${String(count).padStart(8)}  p50 ${at(0.5).toFixed(2).padStart(7)} ms  p99 ${at(0.99).toFixed(2).padStart(7)} ms\n`);
}
await engine.close();
