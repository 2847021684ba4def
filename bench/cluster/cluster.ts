/**
 * `npm run bench:cluster -- --lines N [--runs R] [--warmup W] [--batch B] [--no-docs]`
 *
 * The benchmark scenarios (bench/standard/scenarios.ts) on a local 2-node
 * ClickHouse cluster (bench/cluster/local-cluster.ts: two clickhouse-server
 * processes on loopback, each one shard) and in-process (Engine.open in
 * memory): the same generated records go into both (the cluster through
 * Engine.open({ clickhouse }).append, batches of B records), every
 * scenario's count must be identical on both (exit 1 if not), then each is
 * timed R times per backend (p50/p99). Reports the cluster's ingest rate.
 * Writes bench/results-cluster/<N>.json and the section of docs/benchmarks.md
 * (bench/results-cluster/section.md, spliced into the report between
 * markers; bench/standard/report.ts keeps it when it regenerates the file).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Engine, type ClusterEngine } from '../../src/index.js';
import { describeMachine, machineLine } from '../common/machine.js';
import { DataStats, ordersFor, recordBatches } from '../standard/data.js';
import { AS_OF, buildScenarios, TZ, type Scenario } from '../standard/scenarios.js';
import { clickhouseAvailable, startLocalCluster } from './local-cluster.js';

function log(msg: string): void {
  process.stderr.write(`[bench:cluster] ${msg}\n`);
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

interface Latency {
  p50: number;
  p99: number;
  mean: number;
  samples: number;
}

interface ScenarioRow {
  id: string;
  title: string;
  count: number;
  inProcess: Latency;
  cluster: Latency;
  /** the cluster's timing failed (its error) */
  failed?: string;
}

interface ClusterResult {
  format: 1;
  date: string;
  machine: string;
  command: string;
  requestedLines: number;
  records: number;
  orders: number;
  lines: number;
  batchRecords: number;
  clusterIngestMs: number;
  inProcessIngestMs: number;
  clickhouseVersion: string;
  /** os.loadavg()[0] when ingest ended and when timing ended: others' work on the machine shows here */
  loadAverage: [number, number];
  scenarios: ScenarioRow[];
}

function parseCli() {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string' },
      runs: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '2' },
      batch: { type: 'string', default: '100000' },
      'no-docs': { type: 'boolean', default: false },
      out: { type: 'string', default: 'docs/benchmarks.md' },
      results: { type: 'string', default: 'bench/results-cluster' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`usage: npm run bench:cluster -- --lines N [--runs R] [--warmup W] [--batch B] [--no-docs]
  --lines N    order lines to generate (about N/1.46 orders, the standard benchmark's seed)
  --runs R     timed runs per scenario and backend (default 20)
  --warmup W   untimed runs first (default 2)
  --batch B    records per append into the cluster (default 100000)
  --no-docs    do not write bench/results-cluster/ nor docs/benchmarks.md
Needs clickhouse-server on the PATH (apt-get install clickhouse-server); starts and removes its own 2-node cluster.
`);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v?.replaceAll('_', ''));
    if (v === undefined || !Number.isSafeInteger(n) || n < min) {
      process.stderr.write(`bench:cluster: --${name} must be an integer >= ${min}${v === undefined ? ' (required: --lines N)' : `, got ${v}`}\n`);
      process.exit(2);
    }
    return n;
  };
  return {
    lines: int('lines', values.lines, 1000),
    runs: int('runs', values.runs, 1),
    warmup: int('warmup', values.warmup, 0),
    batch: int('batch', values.batch, 1),
    docs: !values['no-docs'],
    out: values.out!,
    resultsDir: values.results!,
  };
}

function latency(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length, samples: s.length };
}

async function time(runs: number, warmup: number, f: () => Promise<number>, want: number, what: string): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const n = await f();
    out.push(performance.now() - t);
    if (n !== want) throw new Error(`${what} returned ${n} during timing, expected ${want}`);
  }
  return latency(out);
}

function renderSection(r: ClusterResult): string {
  const rows = r.scenarios.map((s) => s.failed !== undefined
    ? `| ${s.id} | ${fmtInt(s.count)} | ${ms(s.inProcess.p50)} | ${ms(s.inProcess.p99)} | failed: ${s.failed.split(' (')[0]!.replace(/\|/g, '/')} | | |`
    : `| ${s.id} | ${fmtInt(s.count)} | ${ms(s.inProcess.p50)} | ${ms(s.inProcess.p99)} | ${ms(s.cluster.p50)} | ${ms(s.cluster.p99)} | ${(s.cluster.p50 / s.inProcess.p50).toFixed(1)}x |`);
  const secs = r.clusterIngestMs / 1000;
  return [
    '<!-- cluster:start (written by `npm run bench:cluster`, bench/cluster/cluster.ts; kept when the report is regenerated) -->',
    `## ClickHouse cluster (\`npm run bench:cluster\`): ${fmtInt(r.lines)} order lines`,
    '',
    `The same ${fmtInt(r.records)} records (${fmtInt(r.orders)} orders, ${fmtInt(r.lines)} lines, seed of the standard benchmark) in a local`,
    `2-node ClickHouse ${r.clickhouseVersion} cluster (two clickhouse-server processes on this machine, each one shard,`,
    'Distributed tables sharded by cityHash64(customer_id); docs/cluster.md) and in the in-process engine (in memory). Every',
    'scenario\'s count was checked identical on both before timing. Times are per query in ms, as a client sees them: in-process',
    '`engine.query(xml).count`; cluster `engine.count(xml)` (every node answers a ping, then one distributed `SELECT uniqExact`).',
    `${r.scenarios.find((s) => s.failed === undefined)?.cluster.samples ?? 0} timed runs per scenario and backend after warm-up.`,
    '',
    '| scenario | customers | in-process p50 | in-process p99 | cluster p50 | cluster p99 | cluster / in-process (p50) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Cluster ingest: ${fmtInt(r.records)} records in ${secs.toFixed(1)} s = **${fmtInt(r.records / secs)} records/s** ` +
      `(${fmtInt(r.lines / secs)} order lines/s), batches of ${fmtInt(r.batchRecords)} records through \`append\` (validation, the duplicate ` +
      'lookup of each batch\'s order ids, synchronous distributed inserts: each batch acknowledged by both shards). ' +
      `In-process ingest of the same records (in memory, same loop): ${(r.inProcessIngestMs / 1000).toFixed(1)} s.`,
    '',
    `Machine: ${r.machine}; 1-minute load average ${r.loadAverage[0].toFixed(1)} after ingest, ${r.loadAverage[1].toFixed(1)} after timing`,
    `(above the core count, other work shared the machine and every time here is inflated). Both ClickHouse servers, the client and the in-process engine share it: a real cluster`,
    'puts each shard on its own machine, so its scans run in parallel where here they compete for the same cores.',
    `Command: \`${r.command}\` (${r.date}).`,
    '<!-- cluster:end -->',
    '',
  ].join('\n');
}

/** Puts the section into the report, replacing an earlier one (or appending). */
export function spliceSection(report: string, section: string): string {
  const start = report.indexOf('<!-- cluster:start');
  const endMarker = '<!-- cluster:end -->';
  const end = report.indexOf(endMarker);
  if (start >= 0 && end > start) return report.slice(0, start) + section.trimEnd() + report.slice(end + endMarker.length);
  return report.trimEnd() + '\n\n' + section;
}

async function main(): Promise<void> {
  const opts = parseCli();
  if (!clickhouseAvailable()) {
    process.stderr.write('bench:cluster: clickhouse-server not found; to enable: apt-get install clickhouse-server\n');
    process.exit(2);
  }
  const machine = machineLine(describeMachine());
  log(`starting a local 2-node cluster`);
  const cluster = await startLocalCluster({ nodes: 2, name: 'shandian_bench' });
  let remote: ClusterEngine | undefined;
  let local: Engine | undefined;
  try {
    remote = await Engine.open({ clickhouse: { urls: cluster.urls, cluster: cluster.name, database: 'shandian_bench' } });
    await remote.createTables();
    local = await Engine.open({ durability: 'none' });
    const orders = ordersFor(opts.lines);
    const stats = new DataStats();
    let records = 0, lines = 0, clusterMs = 0, localMs = 0, nOrders = 0;
    let lastLog = performance.now();
    log(`ingesting ~${fmtInt(opts.lines)} lines (${fmtInt(orders)} orders) into both, batches of ${fmtInt(opts.batch)}`);
    for (const batch of recordBatches(orders, opts.batch)) {
      for (const r of batch) {
        if (r.type === 'order') {
          stats.addOrder(r.lines);
          lines += r.lines.length;
          nOrders++;
        }
      }
      let t = performance.now();
      await remote.append(batch);
      clusterMs += performance.now() - t;
      t = performance.now();
      for (let i = 0; i < batch.length; i += 10_000) await local.append(batch.slice(i, i + 10_000));
      localMs += performance.now() - t;
      records += batch.length;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`  ${fmtInt(records)} records, ${fmtInt(lines)} lines; cluster ${fmtInt(records / (clusterMs / 1000))} records/s`);
      }
    }
    log(`ingested ${fmtInt(records)} records (${fmtInt(lines)} lines): cluster ${(clusterMs / 1000).toFixed(1)} s = ${fmtInt(records / (clusterMs / 1000))} records/s; in-process ${(localMs / 1000).toFixed(1)} s`);
    const loadAfterIngest = os.loadavg()[0]!;
    const version = (await fetch(`${cluster.urls[0]}/?query=${encodeURIComponent('SELECT version()')}`).then((r) => r.text())).trim();
    const scenarios = buildScenarios(stats);
    const q = { asOf: AS_OF, tz: TZ };
    const rows: ScenarioRow[] = [];
    let mismatches = 0;
    for (const s of scenarios) {
      const want = (await local.query(s.xml, q)).count;
      const got = await remote.count(s.xml, q);
      if (got !== want) {
        mismatches++;
        log(`MISMATCH ${s.id}: in-process ${want}, cluster ${got}`);
        continue;
      }
      const l = local, r = remote;
      const inProcess = await time(opts.runs, opts.warmup, async () => (await l.query(s.xml, q)).count, want, `in-process/${s.id}`);
      let onCluster: Latency;
      try {
        onCluster = await time(opts.runs, opts.warmup, () => r.count(s.xml, q), want, `cluster/${s.id}`);
      } catch (e) {
        // a slow scenario (E_TIMEOUT) does not lose the others' numbers: reported as failed
        log(`${s.id}: cluster timing failed: ${(e as Error).message}`);
        rows.push({ id: s.id, title: s.title, count: want, inProcess, cluster: { p50: NaN, p99: NaN, mean: NaN, samples: 0 }, failed: (e as Error).message });
        continue;
      }
      log(`${s.id}: ${fmtInt(want)} customers; in-process p50 ${ms(inProcess.p50)} p99 ${ms(inProcess.p99)} ms; cluster p50 ${ms(onCluster.p50)} p99 ${ms(onCluster.p99)} ms`);
      rows.push({ id: s.id, title: (s as Scenario).title, count: want, inProcess, cluster: onCluster });
    }
    if (mismatches > 0) {
      process.stderr.write(`bench:cluster: ${mismatches} scenario(s) gave different counts on the cluster and in-process\n`);
      process.exitCode = 1;
      return;
    }
    const result: ClusterResult = {
      format: 1,
      date: new Date().toISOString(),
      machine,
      command: `npm run bench:cluster -- --lines ${opts.lines} --runs ${opts.runs}${opts.warmup !== 2 ? ` --warmup ${opts.warmup}` : ''}${opts.batch !== 100000 ? ` --batch ${opts.batch}` : ''}`,
      requestedLines: opts.lines,
      records,
      orders: nOrders,
      lines,
      batchRecords: opts.batch,
      clusterIngestMs: clusterMs,
      inProcessIngestMs: localMs,
      clickhouseVersion: version,
      loadAverage: [loadAfterIngest, os.loadavg()[0]!],
      scenarios: rows,
    };
    const section = renderSection(result);
    process.stdout.write(section);
    if (opts.docs) {
      fs.mkdirSync(opts.resultsDir, { recursive: true });
      fs.writeFileSync(path.join(opts.resultsDir, `${opts.lines}.json`), JSON.stringify(result, null, 2) + '\n');
      fs.writeFileSync(path.join(opts.resultsDir, 'section.md'), section);
      if (fs.existsSync(opts.out)) fs.writeFileSync(opts.out, spliceSection(fs.readFileSync(opts.out, 'utf8'), section));
      log(`wrote ${path.join(opts.resultsDir, `${opts.lines}.json`)}, section.md and ${opts.out}`);
    }
  } finally {
    await remote?.close();
    await local?.close();
    await cluster.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:cluster: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
