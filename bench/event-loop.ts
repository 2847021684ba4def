/**
 * How long a query holds the calling thread: runs the benchmark scenarios
 * (bench/scenarios.ts, the ones bench:large and bench run time; SKUs picked
 * from the store's own sales), a 20,000-branch `<or>` and, with --queries,
 * every XML file of a directory, and reports for each the longest
 * synchronous stretch on the calling thread while the query runs and while
 * its ids() are iterated: the largest gap between ticks of a 1 ms interval
 * (and perf_hooks' monitorEventLoopDelay max, which agrees within ~1 ms).
 *
 *   node dist/bench/event-loop.js --data DIR [--threads 0,2] [--runs 5] [--queries fixtures/queries]
 *
 * --threads: the engine's `threads`, a list (default "0,default": in-process and the default pool).
 * Exits 1 when a stretch exceeds --limit ms (default: none).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Engine } from '../src/index.js';
import { DataStats, type DataStatsJson } from './standard/data.js';
import { AS_OF, buildScenarios, TZ } from './standard/scenarios.js';

interface Query {
  id: string;
  xml: string;
}

/** Longest gap between ticks of a 1 ms interval while `work` runs (ms), and the histogram's max. */
export async function longestStretch<T>(work: () => Promise<T>): Promise<{ result: T; wallMs: number; maxGapMs: number; maxGapCpuMs: number; maxOwnMs: number; histMaxMs: number }> {
  const hist = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let lastCpu = cpuMs();
  let maxGap = 0, maxGapCpu = 0, maxOwn = 0;
  const sample = () => {
    const now = performance.now(), cpu = cpuMs();
    if (now - last > maxGap) (maxGap = now - last), (maxGapCpu = cpu - lastCpu);
    maxOwn = Math.max(maxOwn, Math.min(now - last, cpu - lastCpu));
    last = now;
    lastCpu = cpu;
  };
  const tick = setInterval(sample, 1);
  hist.enable();
  // let the monitor start ticking before the work begins
  await new Promise((r) => setTimeout(r, 3));
  last = performance.now();
  lastCpu = cpuMs();
  maxGap = maxGapCpu = maxOwn = 0;
  hist.reset();
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  sample();
  clearInterval(tick);
  hist.disable();
  return { result, wallMs, maxGapMs: maxGap, maxGapCpuMs: maxGapCpu, maxOwnMs: maxOwn, histMaxMs: hist.max / 1e6 };
}

/**
 * CPU time of this process (ms). On a busy host a tick gap also counts the
 * time the OS ran other processes. The calling thread cannot have run longer
 * than the gap nor than the CPU time the whole process used in it, so
 * `maxOwnMs`, the largest min(gap, process CPU in the gap), bounds the
 * longest stretch of the query's own work from above whatever the host does
 * (loosely when workers or the parse helper were busy in that gap).
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The bench's DataStats from a store's own SKU postings (lines per SKU, a SKU's category from one of its lines). */
function statsFromStore(engine: Engine): DataStats {
  const store = (engine as unknown as { store: { catalog: { skus: Dictionaryish; categories: Dictionaryish }; shards: Shardish[] } }).store;
  const { skus, categories } = store.catalog;
  const out: DataStatsJson = { maxSkus: 0, categories: [...categories.all], skus: [] };
  for (let id = 0; id < skus.size; id++) {
    const name = skus.value(id);
    const n = Number(name.slice(4));
    if (!name.startsWith('SKU-') || !Number.isInteger(n)) continue;
    let lines = 0;
    let category = -1;
    for (const shard of store.shards) {
      lines += shard.bySku.rowCount([id]);
      const rows = category < 0 ? shard.bySku.orderedRows(id, shard.rowTime) : undefined;
      if (rows && rows.length > 0) category = shard.lineCategory.data[rows[0]!]!;
    }
    if (lines === 0 || category < 0) continue;
    out.skus.push([n, lines, category]);
    out.maxSkus = Math.max(out.maxSkus, n + 1);
  }
  return DataStats.fromJSON(out);
}

interface Dictionaryish {
  size: number;
  all: readonly string[];
  value(id: number): string;
}
interface Shardish {
  bySku: { rowCount(ids: readonly number[]): number; orderedRows(id: number, rowTime: unknown): Uint32Array | undefined };
  rowTime: unknown;
  lineCategory: { data: ArrayLike<number> };
}

/** A 20,000-branch `<or>` of SKU windows (the example of a query that froze the event loop). */
export function wideOr(branches = 20_000): string {
  const terms = Array.from({ length: branches }, (_, i) =>
    `<bought sku="SKU-${String(i % 5000).padStart(6, '0')}" last="${1 + Math.floor(i / 5000) * 30 + (i % 7)}d"/>`);
  return `<segment><or>${terms.join('')}</or></segment>`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      threads: { type: 'string', default: '0,default' },
      runs: { type: 'string', default: '5' },
      queries: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'string' },
    },
  });
  if (!values.data) {
    console.error('usage: node dist/bench/event-loop.js --data DIR [--threads 0,default] [--runs 5] [--queries DIR] [--limit MS] [--json FILE]');
    process.exit(2);
  }
  const runs = Number(values.runs);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  const report: object[] = [];
  let over = false;
  for (const t of values.threads.split(',')) {
    const threads = t === 'default' ? undefined : Number(t);
    const engine = await Engine.open({ dir: values.data, readOnly: true, ...(threads === undefined ? {} : { threads }) });
    const queries: Query[] = buildScenarios(statsFromStore(engine)).map((s) => ({ id: s.id, xml: s.xml }));
    queries.push({ id: 'wide-or-20000', xml: wideOr() });
    if (values.queries) {
      for (const f of fs.readdirSync(values.queries).filter((f) => f.endsWith('.xml')).sort()) {
        queries.push({ id: `file:${path.basename(f, '.xml')}`, xml: fs.readFileSync(path.join(values.queries, f), 'utf8') });
      }
    }
    const size = engine.size;
    console.log(`\nthreads ${t}: ${size.lines.toLocaleString('en-US')} lines, ${size.shards} shards; ${runs} runs after 2 warm-ups; ms`);
    console.log('query                      count   p50 wall  max tick gap: query   ids()   own work bound  (histogram max)');
    for (const q of queries) {
      const walls: number[] = [];
      let worstQuery = 0, worstIds = 0, worstHist = 0, worstCpu = 0, count = 0;
      for (let r = -2; r < runs; r++) {
        const run = await longestStretch(() => engine.query(q.xml, { asOf: AS_OF, tz: TZ }));
        const ids = await longestStretch(async () => {
          let n = 0;
          for await (const _ of run.result.ids()) n++;
          return n;
        });
        if (r < 0) continue; // warm-ups: day buckets are built on a filter's second use
        count = run.result.count;
        walls.push(run.wallMs);
        worstQuery = Math.max(worstQuery, run.maxGapMs);
        worstIds = Math.max(worstIds, ids.maxGapMs);
        worstHist = Math.max(worstHist, run.histMaxMs, ids.histMaxMs);
        worstCpu = Math.max(worstCpu, run.maxOwnMs, ids.maxOwnMs);
      }
      if (limit !== undefined && Math.max(worstQuery, worstIds) > limit) over = true;
      console.log(`${q.id.padEnd(24)} ${count.toLocaleString('en-US').padStart(9)} ${median(walls).toFixed(1).padStart(9)} ` +
        `${worstQuery.toFixed(1).padStart(19)} ${worstIds.toFixed(1).padStart(7)} ${worstCpu.toFixed(1).padStart(18)}  (${worstHist.toFixed(1)})`);
      report.push({ threads: t, query: q.id, count, p50WallMs: median(walls), maxQueryStretchMs: worstQuery, maxIdsStretchMs: worstIds, maxOwnStretchMs: worstCpu, histMaxMs: worstHist });
    }
    await engine.close();
  }
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
  if (over) {
    console.error(`a stretch exceeded --limit ${limit} ms`);
    process.exit(1);
  }
}

// run as a script; importing it (tests, probes) only gets the functions
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
