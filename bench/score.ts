/**
 * `<score>`'s cost (src/elements/score/) on a store on disk: RFM champions
 * (three scale-5 scores over the last 365 days, min 4) and a spend layer
 * (monetary cuts 1000,5000,20000, score 3), each first run (values not
 * cached: one scan per value and shard) and then warm (cached values: the
 * rank and one pass over 4 bytes a customer), wall and CPU time (the
 * process's, all threads: on a shared host it tells the work apart from the
 * waiting); then RFM with asOf a minute later each time (windows slid from
 * the cached ones); and the bytes per order line the cached values hold.
 *
 *   node dist/src/cli/main.js gen --data /tmp/score/s --orders 2055000
 *   node dist/bench/score.js --data /tmp/score/s [--threads 0] [--runs 200]
 */
import { parseArgs } from 'node:util';
import { cachedValueBytes } from '../src/elements/score/values.js';
import { Engine } from '../src/index.js';
import type { Store } from '../src/store/store.js';

const { values } = parseArgs({ options: {
  data: { type: 'string' }, threads: { type: 'string', default: '0' }, runs: { type: 'string', default: '200' },
  'as-of': { type: 'string', default: '2026-11-30T23:59:59+08:00' }, tz: { type: 'string', default: 'Asia/Shanghai' },
} });
if (values.data === undefined) throw new Error('--data DIR is required (a store: node dist/src/cli/main.js gen --data DIR --orders 2055000)');
const runs = Number(values.runs);
const asOf = values['as-of'], tz = values.tz;
const QUERIES: Record<string, string> = {
  'rfm-score': '<segment><score by="recency" last="365d" min="4"/><score by="frequency" last="365d" min="4"/><score by="monetary" last="365d" min="4"/></segment>',
  'spend-layer': '<segment><score by="monetary" last="365d" cuts="1000,5000,20000" min="3" max="3"/></segment>',
};

const engine = await Engine.open({ dir: values.data, readOnly: true, threads: Number(values.threads) });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
const fmt = (x: number) => x.toFixed(2);

async function once(xml: string, at: string | number = asOf): Promise<{ wall: number; cpu: number; count: number }> {
  const c0 = process.cpuUsage();
  const t = performance.now();
  const { count } = await engine.query(xml, { asOf: at, tz });
  const wall = performance.now() - t;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, count };
}

for (const [id, xml] of Object.entries(QUERIES)) {
  const first = await once(xml);
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await once(xml);
    if (r.count !== first.count) throw new Error(`${id}: the count changed between runs`);
    wall.push(r.wall), cpu.push(r.cpu);
  }
  console.log(`${id}: count ${first.count}; first run wall ${fmt(first.wall)} ms, cpu ${fmt(first.cpu)} ms; ` +
    `warm wall p50 ${fmt(pct(wall, 0.5))} p99 ${fmt(pct(wall, 0.99))} ms, cpu p50 ${fmt(pct(cpu, 0.5))} p99 ${fmt(pct(cpu, 0.99))} ms (${runs} runs, threads ${values.threads})`);
}

{
  const base = Date.parse(asOf) - 10 * 86_400_000;
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < 60; i++) {
    const r = await once(QUERIES['rfm-score']!, base + i * 60_000);
    if (i > 0) wall.push(r.wall), cpu.push(r.cpu);
  }
  console.log(`rfm-score, asOf a minute later each time (slid windows): wall p50 ${fmt(pct(wall, 0.5))} p99 ${fmt(pct(wall, 0.99))} ms, cpu p50 ${fmt(pct(cpu, 0.5))} p99 ${fmt(pct(cpu, 0.99))} ms`);
}

const { shards } = (engine as unknown as { store: Store }).store;
const bytes = shards.reduce((a, s) => a + cachedValueBytes(s), 0);
const lines = shards.reduce((a, s) => a + s.lineCount, 0);
console.log(`cached <score> values: ${bytes} bytes for ${lines} order lines = ${(bytes / lines).toFixed(3)} bytes per line`);
await engine.close();
