/**
 * `<sequence>`'s cost (src/elements/sequence/) on a store built with
 * `gen --data`: phone-then-case and phone-and-no-case queries with a popular
 * phone SKU and with the whole phones category as the first step, and a
 * three-step funnel; warm, `threads: 0` (or --threads N: the worker pool), wall time per query (min, p50,
 * p99) and the process's CPU time per query (less sensitive to a busy host).
 * No index of its own: it reads the steps' time-ordered postings.
 *
 *   node dist/src/cli/main.js gen --data /tmp/seq/s --orders 2055000   # ~3.0M lines
 *   node dist/bench/sequence.js --data /tmp/seq/s [--sku SKU-000320] [--runs 300] [--threads 2]
 */
import { parseArgs } from 'node:util';
import { Engine } from '../src/index.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/tmp/seq/s' },
    sku: { type: 'string', default: 'SKU-000320' },
    runs: { type: 'string', default: '300' },
    asOf: { type: 'string', default: '2026-11-30T23:59:59+08:00' },
    threads: { type: 'string', default: '0' },
  },
});
const runs = Number(values.runs);
const engine = await Engine.open({ dir: values.data, threads: Number(values.threads), durability: 'none' });
const queries: Record<string, string> = {
  'phone-then-case (sku)': `<sequence within="30d" last="365d"><step sku="${values.sku}"/><step category="phone-accessories"/></sequence>`,
  'phone-no-case (sku)': `<sequence within="30d"><step sku="${values.sku}"/><absent category="phone-accessories"/></sequence>`,
  'phones-then-acc (cat)': '<sequence within="30d" last="365d"><step category="phones"/><step category="phone-accessories"/></sequence>',
  'phones-no-acc (cat)': '<sequence within="30d"><step category="phones"/><absent category="phone-accessories"/></sequence>',
  'three steps': '<sequence within="30d"><step category="phones"/><step category="phone-accessories"/><step category="headphones"/></sequence>',
};
for (const [name, body] of Object.entries(queries)) {
  const xml = `<segment asOf="${values.asOf}" tz="Asia/Shanghai">${body}</segment>`;
  for (let i = 0; i < 20; i++) await engine.query(xml);
  const times: number[] = [];
  let count = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    count = (await engine.query(xml)).count;
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  console.log(`${name.padEnd(24)} count ${String(count).padStart(7)}  min ${at(0)}  p50 ${at(0.5)}  p99 ${at(0.99)} ms  cpu/query ${((cpu.user + cpu.system) / runs / 1000).toFixed(2)} ms`);
}
await engine.close();
