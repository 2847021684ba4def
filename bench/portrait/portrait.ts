/**
 * Portraits (contract 8.2) on a generated store, through the public API
 * only: p50/p99 of `engine.portrait(xml, { by, asOf, tz })` per segment and
 * dimension, after warm-up runs. The targets (issue 16, ~3M lines): attribute
 * and tag dimensions p99 <= 50 ms, order dimensions with a window p99 <= 200 ms.
 *
 *   node dist/src/cli/main.js gen --data /tmp/portrait/s --orders 2055000
 *   npm run bench:portrait -- --data /tmp/portrait/s [--runs 50] [--threads N]
 */
import { parseArgs } from 'node:util';
import { Engine } from '../../src/index.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/tmp/portrait/s' },
    runs: { type: 'string', default: '50' },
    threads: { type: 'string' },
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
console.log(`store ${values.data}: ${size.lines.toLocaleString('en')} lines, ${size.orders.toLocaleString('en')} orders, ${size.customers.toLocaleString('en')} customers, ${size.shards} shards; ${runs} runs each after 3 warm-up runs; asOf ${AS_OF} ${TZ}`);
const rows: { segment: string; members: number; by: string; group: string; buckets: number; p50: number; p99: number; max: number }[] = [];
for (const [segment, xml] of Object.entries(SEGMENTS)) {
  for (const [by, group] of DIMENSIONS) {
    let result = await engine.portrait(xml, { by, asOf: AS_OF, tz: TZ });
    for (let i = 0; i < 2; i++) await engine.portrait(xml, { by, asOf: AS_OF, tz: TZ });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      result = await engine.portrait(xml, { by, asOf: AS_OF, tz: TZ });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const row = { segment, members: result.count, by, group, buckets: result.dimensions[0]!.buckets.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: times[times.length - 1]! };
    rows.push(row);
    console.log(`${segment.padEnd(12)} ${String(row.members).padStart(8)} members  ${by.padEnd(24)} ${String(row.buckets).padStart(5)} buckets  p50 ${row.p50.toFixed(2).padStart(7)} ms  p99 ${row.p99.toFixed(2).padStart(7)} ms`);
  }
}
await engine.close();
console.log('\nworst p99 per target group:');
for (const group of ['attr/tag', 'order+window', 'order, all history']) {
  const worst = rows.filter((r) => r.group === group).reduce((a, b) => (b.p99 > a.p99 ? b : a));
  const target = group === 'attr/tag' ? 50 : group === 'order+window' ? 200 : undefined;
  console.log(`  ${group.padEnd(20)} p99 ${worst.p99.toFixed(2)} ms (${worst.segment}, ${worst.by})${target ? ` target <= ${target} ms: ${worst.p99 <= target ? 'met' : 'MISSED'}` : ''}`);
}
if (values.json) console.log(JSON.stringify(rows));
