/**
 * `npm run demo`: the main job on an embedded default. Generates a realistic
 * dataset of about 1M order lines into ./demo-data, ingests it into a store,
 * runs the example segments in fixtures/queries/*.xml and prints each one's
 * size, a few members and the time taken.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, generate, ingestFile, ProgressBar, writeRecords } from '../../src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DATA_DIR = path.resolve(process.env.SHANDIAN_DEMO_DIR ?? 'demo-data');
const ORDERS = Number(process.env.SHANDIAN_DEMO_ORDERS ?? 700_000); // about 1.0M order lines
const SEED = 42;
const RUNS = 5;

async function main(): Promise<void> {
  console.log(`shandian demo on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.availableParallelism()} cores), Node ${process.version}\n`);
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const input = path.join(DATA_DIR, `orders-${ORDERS}-seed${SEED}.ndjson`);
  if (!fs.existsSync(input)) {
    const bar = new ProgressBar(process.stderr, 'generate');
    const started = performance.now();
    const tmp = input.replace(/\.ndjson$/, '.partial.ndjson');
    const written = await writeRecords(tmp, generate({ orders: ORDERS, seed: SEED }), (p) => bar.update(p.records, ORDERS * 1.2, 'records'));
    fs.renameSync(tmp, input);
    bar.done();
    console.log(`generated ${written.records.toLocaleString('en-US')} records (${(written.bytes / 1048576).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)}s -> ${path.relative(process.cwd(), input)}`);
  } else {
    console.log(`using ${path.relative(process.cwd(), input)} (delete it to regenerate)`);
  }

  const storeDir = path.join(DATA_DIR, 'store');
  fs.rmSync(storeDir, { recursive: true, force: true });
  const engine = await Engine.open({ dir: storeDir, tz: 'Asia/Shanghai' });
  const bar = new ProgressBar(process.stderr, 'ingest');
  const report = await ingestFile(engine, input, { onProgress: (p) => bar.update(p.bytesRead, p.totalBytes, 'bytes', `${p.records.toLocaleString('en-US')} records`) });
  bar.done();
  const size = engine.size;
  const secs = report.elapsedMs / 1000;
  console.log(`ingested ${report.records.toLocaleString('en-US')} records in ${secs.toFixed(1)}s (${Math.round(report.records / secs).toLocaleString('en-US')} records/s, ${Math.round(size.lines / secs).toLocaleString('en-US')} lines/s, fsync per batch)`);
  console.log(`store: ${size.customers.toLocaleString('en-US')} customers, ${size.orders.toLocaleString('en-US')} orders, ${size.lines.toLocaleString('en-US')} order lines, ${size.shards} shards`);
  const mem = process.memoryUsage();
  console.log(`memory: rss ${(mem.rss / 1048576).toFixed(0)} MiB for the whole process (${(mem.rss / size.lines).toFixed(0)} B per order line; columns live in shared memory, outside the V8 heap)\n`);

  const queryDir = path.join(ROOT, 'fixtures', 'queries');
  const files = fs.readdirSync(queryDir).filter((f) => f.endsWith('.xml')).sort();
  console.log(`${'segment'.padEnd(22)} ${'customers'.padStart(10)} ${'first run'.padStart(10)} ${'median'.padStart(10)}   members`);
  for (const f of files) {
    const xml = fs.readFileSync(path.join(queryDir, f), 'utf8');
    const times: number[] = [];
    let count = 0;
    let sample: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const seg = await engine.query(xml);
      times.push(performance.now() - t0);
      count = seg.count;
      if (i === 0) {
        sample = [];
        for (const id of seg.idsSync()) {
          if (sample.length === 4) break;
          sample.push(id);
        }
      }
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`${f.replace(/\.xml$/, '').padEnd(22)} ${count.toLocaleString('en-US').padStart(10)} ${(times[0]!.toFixed(1) + 'ms').padStart(10)} ${(sorted[Math.floor(RUNS / 2)]!.toFixed(1) + 'ms').padStart(10)}   ${sample.join(', ')}${count > sample.length ? ', ...' : ''}`);
  }
  await engine.close();
  console.log(`\nTry one yourself:\n  npx shandian query --data ${path.relative(process.cwd(), storeDir)} --expr '<segment><tag name="vip"/><attr name="city" eq="Xiamen"/></segment>'`);
  console.log(`  npx shandian explain --data ${path.relative(process.cwd(), storeDir)} --xml fixtures/queries/cross-sell.xml`);
}

await main();
