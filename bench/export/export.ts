/**
 * `npm run bench:export -- [--orders N] [--customers M] [--runs R] [--store-dir DIR]`:
 * exports (contract 8.1) through the public API, members per second.
 *
 * Builds a generated store (default 2,055,000 orders over 1,000,000
 * customers, two shards), queries a segment holding every customer (all
 * have a city), then exports it R times per format and column set to a
 * sink that discards the bytes (the encoder's cost, not the disk's) and
 * once to a file (--out's path: temporary file + rename). Prints the best
 * and median members/s; the target is >= 1M members/s with two
 * columns (attr + tag) for csv and arrow.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { buildGeneratedStore, Engine, type ExportFormat } from '../../src/index.js';
import { describeMachine } from '../common/machine.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '2055000' },
    customers: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    'store-dir': { type: 'string' }, // not --dir: roaring's loader (node-pre-gyp) reads process.argv and takes --dir as its own
  },
});
const ORDERS = Number(values.orders);
const CUSTOMERS = Number(values.customers);
const RUNS = Number(values.runs);
const EVERYONE = '<segment><or><attr name="city" exists="true"/><tag name="vip"/></or></segment>';

/** Counts bytes and drops them. */
class NullSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    done();
  }
}

const CASES: { format: ExportFormat | 'ids'; columns: string[] }[] = [
  { format: 'ids', columns: [] },
  { format: 'csv', columns: [] },
  { format: 'csv', columns: ['attr:city', 'tag:vip'] },
  { format: 'arrow', columns: ['attr:city', 'tag:vip'] },
  { format: 'arrow', columns: ['attr:age', 'tag:vip'] },
  { format: 'ndjson', columns: ['attr:city', 'tag:vip'] },
  { format: 'csv', columns: ['attr:city', 'attr:age', 'attr:level', 'tag:vip', 'tag:newsletter'] },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  console.log(`machine: ${machine.cpu}, ${machine.parallelism} cores, ${(machine.ramBytes / 2 ** 30).toFixed(0)} GiB, Node ${machine.node}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const root = values['store-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-export-'));
  const storeDir = path.join(root, 'store');
  try {
    if (!fs.existsSync(path.join(storeDir, 'MANIFEST')) && !fs.existsSync(storeDir)) {
      const r = buildGeneratedStore(storeDir, { orders: ORDERS, customers: CUSTOMERS, seed: 16, shards: 2 });
      console.log(`built ${storeDir}: ${r.orders.toLocaleString('en-US')} orders, ${r.customers.toLocaleString('en-US')} customers in ${(r.elapsedMs / 1000).toFixed(1)}s`);
    }
    const engine = await Engine.open({ dir: storeDir, readOnly: true });
    try {
      const seg = await engine.query(EVERYONE);
      console.log(`segment: ${seg.count.toLocaleString('en-US')} members\n`);
      console.log('| format | columns | best members/s | median members/s | members per CPU-second (best) | MB | ms (best) |');
      console.log('| --- | --- | --- | --- | --- | --- | --- |');
      for (const c of CASES) {
        const rates: number[] = [];
        let bytes = 0, bestMs = Infinity, bestCpu = 0;
        for (let r = 0; r < RUNS; r++) {
          const sink = new NullSink();
          const t0 = performance.now();
          const cpu0 = process.cpuUsage();
          if (c.format === 'ids') {
            for await (const id of seg.ids()) sink.bytes += id.length + 1;
          } else {
            await seg.export(sink, { format: c.format, columns: c.columns });
          }
          const ms = performance.now() - t0;
          const cpu = process.cpuUsage(cpu0);
          // CPU time of the process (this thread and its helpers, GC included): steadier than the wall clock on a shared machine
          bestCpu = Math.max(bestCpu, seg.count / ((cpu.user + cpu.system) / 1e6));
          bestMs = Math.min(bestMs, ms);
          rates.push(seg.count / (ms / 1000));
          bytes = sink.bytes;
        }
        console.log(`| ${c.format} | ${c.columns.join(',') || '(none)'} | ${Math.round(Math.max(...rates)).toLocaleString('en-US')} | ${Math.round(median(rates)).toLocaleString('en-US')} | ${Math.round(bestCpu).toLocaleString('en-US')} | ${(bytes / 1e6).toFixed(1)} | ${bestMs.toFixed(0)} |`);
      }
      console.log('\n## to a file (exportToFile: temporary file, then rename)\n');
      console.log('| format | columns | members/s | MB |');
      console.log('| --- | --- | --- | --- |');
      for (const format of ['csv', 'arrow'] as const) {
        const file = path.join(root, `export.${format}`);
        const t0 = performance.now();
        const report = await seg.exportToFile(file, { format, columns: ['attr:city', 'tag:vip'] });
        const ms = performance.now() - t0;
        console.log(`| ${format} | attr:city,tag:vip | ${Math.round(seg.count / (ms / 1000)).toLocaleString('en-US')} | ${(report.bytes / 1e6).toFixed(1)} |`);
        fs.rmSync(file);
      }
    } finally {
      await engine.close();
    }
  } finally {
    if (values['store-dir'] === undefined) fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
