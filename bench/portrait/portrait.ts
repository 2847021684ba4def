/**
 * Portraits (contract 8.2) on a generated store, through the public API
 * only: p50/p99 of `engine.portrait(xml, { by, asOf, tz })` per segment and
 * dimension, after warm-up runs. The targets (issue 16, ~3M lines): attribute
 * and tag dimensions p99 <= 50 ms, order dimensions with a window p99 <= 200 ms.
 *
 *   node dist/src/cli/main.js gen --data /tmp/portrait/s --orders 2055000
 *   npm run bench:portrait -- --data /tmp/portrait/s [--runs 50] [--threads N] [--only DIM,DIM]
 *
 * Besides wall-clock p50/p99 it prints the process's CPU time per call (all
 * threads): on a machine shared with other work, what a portrait itself costs.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/index.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/tmp/portrait/s' },
    runs: { type: 'string', default: '50' },
    threads: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const AS_OF = '2026-11-30T23:59:59+08:00';
const TZ = 'Asia/Shanghai';

const SEGMENTS: Record<string, string> = {
  'buyers-365d': '<segment><bought last="365d"/></segment>',
  'shoes-90d': '<segment><bought category="shoes" last="90d"/></segment>',
  'gold-or-vip': '<segment><or><attr name="level" eq="gold"/><tag name="vip"/></or></segment>',
  everyone: '<segment><not><attr name="nonexistent" exists="true"/></not></segment>',
};
/** [dimension, target group] */
const DIMENSIONS: [string, 'attr/tag' | 'order+window' | 'order, all history'][] = [
  ['attr:city', 'attr/tag'],
  ['attr:level', 'attr/tag'],
  ['attr:age:18,25,35,45,55', 'attr/tag'],
  ['attr:signup_date', 'attr/tag'],
  ['tag', 'attr/tag'],
  ['shop:last=30d', 'order+window'],
  ['category:last=30d', 'order+window'],
  ['sku:last=30d', 'order+window'],
  ['category:last=365d', 'order+window'],
  ['shop', 'order, all history'],
  ['sku', 'order, all history'],
];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

const engine = await Engine.open({ dir: values.data, readOnly: true, ...(values.threads !== undefined ? { threads: Number(values.threads) } : {}) });
const size = engine.size;
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`);
console.log(`store ${values.data}: ${size.lines.toLocaleString('en')} lines, ${size.orders.toLocaleString('en')} orders, ${size.customers.toLocaleString('en')} customers, ${size.shards} shards; ${runs} runs each after 3 warm-up runs; asOf ${AS_OF} ${TZ}`);
/** wall-clock times, and the process's CPU time per call (all threads: on a machine shared with other work this is what the portrait itself costs) */
const rows: { segment: string; members: number; by: string; group: string; buckets: number; p50: number; p99: number; max: number; cpuP50: number; cpuP99: number }[] = [];
for (const [segment, xml] of Object.entries(SEGMENTS)) {
  for (const [by, group] of DIMENSIONS) {
    if (values.only !== undefined && !values.only.split(',').includes(by)) continue;
    let result = await engine.portrait(xml, { by, asOf: AS_OF, tz: TZ });
    for (let i = 0; i < 2; i++) await engine.portrait(xml, { by, asOf: AS_OF, tz: TZ });
    const times: number[] = [], cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now(), c = process.cpuUsage();
      result = await engine.portrait(xml, { by, asOf: AS_OF, tz: TZ });
      times.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const row = {
      segment, members: result.count, by, group, buckets: result.dimensions[0]!.buckets.length,
      p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: times[times.length - 1]!, cpuP50: quantile(cpu, 0.5), cpuP99: quantile(cpu, 0.99),
    };
    rows.push(row);
    console.log(`${segment.padEnd(12)} ${String(row.members).padStart(8)} members  ${by.padEnd(24)} ${String(row.buckets).padStart(6)} buckets  p50 ${row.p50.toFixed(2).padStart(7)} ms  p99 ${row.p99.toFixed(2).padStart(7)} ms   cpu p50 ${row.cpuP50.toFixed(1).padStart(6)} ms  p99 ${row.cpuP99.toFixed(1).padStart(6)} ms`);
  }
}
await engine.close();
console.log('\nworst p99 per target group:');
for (const group of ['attr/tag', 'order+window', 'order, all history']) {
  const worst = rows.filter((r) => r.group === group).reduce((a, b) => (b.p99 > a.p99 ? b : a));
  const target = group === 'attr/tag' ? 50 : group === 'order+window' ? 200 : undefined;
  const worstCpu = rows.filter((r) => r.group === group).reduce((a, b) => (b.cpuP99 > a.cpuP99 ? b : a));
  console.log(`  ${group.padEnd(20)} p99 ${worst.p99.toFixed(2)} ms (${worst.segment}, ${worst.by})${target ? ` target <= ${target} ms: ${worst.p99 <= target ? 'met' : 'MISSED'}` : ''}; cpu p99 ${worstCpu.cpuP99.toFixed(1)} ms (${worstCpu.segment}, ${worstCpu.by})`);
}
console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (values.json) console.log(JSON.stringify(rows));
