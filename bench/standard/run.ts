/**
 * `npm run bench -- --lines N [--runs R] [--time MS] [--out docs/benchmarks.md]`
 *
 * Generates ~N order lines deterministically, loads the same records into
 * shandian (append path, durability 'none', temp dir) and into an in-memory
 * DuckDB, checks that the eight CRM scenarios give the same counts on both
 * (exit 1 if not), times them with tinybench, measures ingest, memory and
 * reopen, saves bench/results/<N>.json and regenerates the report from every
 * result file there (docs/benchmarks.md and docs/benchmarks-latency.svg).
 *
 * `--report-only` regenerates the report from the saved results.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Bench, type Task } from 'tinybench';
import { Engine } from '../../src/index.js';
import { DataStats, Fingerprint, ordersFor, recordBatches, BATCH_RECORDS, SEED } from './data.js';
import { DuckPeer } from '../../test/oracle/duckdb.js';
import { BenchFailure } from '../large/large-protocol.js';
import { latency } from '../large/large-timing.js';
import { describeFiles, packageVersion, sourceFingerprint } from '../common/provenance.js';
import { cpuShare, cpuSnapshot, describeMachine, dirBytes, getGc, machineLine, memDelta, sampleMemory } from '../common/machine.js';
import { writeReport } from './report.js';
import { RESULTS_FORMAT, writeResult, type FreshOpen, type LatencyStats, type ScenarioResult, type SizeResult } from './results.js';
import { AS_OF, buildScenarios, TZ, type Scenario } from './scenarios.js';


function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const secs = (ms: number): string => (ms / 1000).toFixed(1) + 's';

function parseCli() {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string' },
      runs: { type: 'string', default: '30' },
      time: { type: 'string', default: '500' },
      warmup: { type: 'string', default: '3' },
      out: { type: 'string', default: 'docs/benchmarks.md' },
      results: { type: 'string', default: 'bench/results' },
      'report-only': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const int = (name: string, v: string | undefined, min: number): number => {
    if (v === undefined) throw new BenchFailure(`--${name} N is required, e.g. npm run bench -- --lines 1000000 (see --help)`);
    const n = Number(v?.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < min) throw new BenchFailure(`--${name} must be an integer >= ${min}, got ${String(v)}`);
    return n;
  };
  if (values.help) {
    process.stdout.write(`usage: npm run bench -- --lines N [--runs R] [--time MS] [--warmup W] [--out docs/benchmarks.md] [--results bench/results] [--keep]
       npm run bench -- --report-only [--out docs/benchmarks.md]
  --lines N     order lines to generate (about N/1.46 orders, seed ${SEED})
  --runs R      at least R timed runs per scenario and engine (default 30)
  --time MS     and at least MS milliseconds of timed runs (default 500)
  --warmup W    untimed runs first (default 3)
  --keep        keep the temporary shandian store directory
`);
    process.exit(0);
  }
  return {
    lines: values['report-only'] ? 0 : int('lines', values.lines, 1000),
    runs: int('runs', values.runs, 1),
    timeMs: int('time', values.time, 0),
    warmup: int('warmup', values.warmup, 0),
    out: values.out!,
    resultsDir: values.results!,
    reportOnly: values['report-only']!,
    keep: values.keep!,
  };
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  const gcFlag = process.execArgv.includes('--expose-gc') ? 'node --expose-gc dist/bench/standard/run.js' : null;
  return gcFlag ? `npm run build && ${gcFlag} ${args}` : `npm run bench -- ${args}`;
}

/** Engine.open of the closed store in a fresh Node process (bench/standard/open-probe.ts): time and resident memory. */
function freshOpen(storeDir: string): FreshOpen {
  const probe = fileURLToPath(new URL('./open-probe.js', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', probe, storeDir], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as FreshOpen;
}

/** On a count mismatch: which customers differ, so the bug can be chased. */
async function explainMismatch(s: Scenario, engine: Engine, peer: DuckPeer): Promise<string> {
  const seg = await engine.query(s.xml, { asOf: AS_OF, tz: TZ });
  const mine = new Set(seg.idsSync());
  const theirs = new Set(await peer.members(s.membersSql));
  const onlyMine = [...mine].filter((id) => !theirs.has(id));
  const onlyTheirs = [...theirs].filter((id) => !mine.has(id));
  return `    only shandian (${onlyMine.length}): ${onlyMine.slice(0, 8).join(', ')}\n` +
    `    only DuckDB   (${onlyTheirs.length}): ${onlyTheirs.slice(0, 8).join(', ')}\n` +
    `    XML:\n${s.xml.replace(/^/gm, '      ')}\n    SQL:\n${s.sql.replace(/^/gm, '      ')}`;
}

async function runSize(opts: ReturnType<typeof parseCli>): Promise<SizeResult> {
  const machine = describeMachine();
  log(machineLine(machine));
  const { gc, how: gcMethod } = getGc();
  const orders = ordersFor(opts.lines);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-bench-'));
  const storeDir = path.join(tmp, 'store');
  const stats = new DataStats();
  log(`${fmtInt(opts.lines)} lines requested: generate({ orders: ${fmtInt(orders)}, seed: ${SEED} }); store in ${storeDir}`);

  try {
    // ---- shandian: bulk load through the append path
    const mem0 = sampleMemory(gc);
    const cpuIngest0 = cpuSnapshot();
    let engine: Engine | undefined = await Engine.open({ dir: storeDir, durability: 'none' });
    const fp1 = new Fingerprint();
    let ingestMs = 0;
    let nextLog = 0;
    for (const batch of recordBatches(orders)) {
      for (const r of batch) {
        fp1.add(r);
        if (r.type === 'order') stats.addOrder(r.lines);
      }
      const t0 = performance.now();
      await engine.append(batch);
      ingestMs += performance.now() - t0;
      if (fp1.lines >= nextLog) {
        log(`  shandian append: ${fmtInt(fp1.lines)} lines, ${secs(ingestMs)} in append`);
        nextLog += Math.max(250_000, Math.round(opts.lines / 4));
      }
    }
    const ingestCpu = cpuShare(cpuIngest0, cpuSnapshot());
    const mem1 = sampleMemory(gc);
    const size = engine.size;
    const data = fp1.summary();
    if (size.lines !== data.lines || size.orders !== data.orders) {
      throw new BenchFailure(`shandian holds ${size.orders} orders / ${size.lines} lines, the generator produced ${data.orders} / ${data.lines}`);
    }
    log(`shandian: ${fmtInt(size.lines)} lines, ${fmtInt(size.orders)} orders, ${fmtInt(size.customers)} customers in ${secs(ingestMs)} = ${fmtInt(size.lines / (ingestMs / 1000))} lines/s`);

    const scenarios = buildScenarios(stats);
    const countsBeforeReopen = new Map<string, number>();
    for (const s of scenarios) countsBeforeReopen.set(s.id, (await engine.query(s.xml, { asOf: AS_OF, tz: TZ })).count);

    // ---- shandian: reopen by replaying the log, as after a crash (kill -9): a copy of the
    // open store's directory with its lock file removed, so no snapshot is written first
    const replayDir = path.join(tmp, 'replay-copy');
    fs.cpSync(storeDir, replayDir, { recursive: true });
    fs.rmSync(path.join(replayDir, 'LOCK'), { force: true });
    const replayLogBytes = dirBytes(replayDir);
    const replayFiles = describeFiles(replayDir);
    let t0 = performance.now();
    const replayed = await Engine.open({ dir: replayDir, durability: 'none' });
    const replayMs = performance.now() - t0;
    const replayRecovery = replayed.recovery ?? null;
    for (const s of scenarios) {
      const n = (await replayed.query(s.xml, { asOf: AS_OF, tz: TZ })).count;
      if (n !== countsBeforeReopen.get(s.id)) {
        throw new BenchFailure(`${s.id}: ${countsBeforeReopen.get(s.id)} customers before, ${n} after replaying the log of a copy of the store`);
      }
    }
    await replayed.close();
    fs.rmSync(replayDir, { recursive: true, force: true });
    log(`shandian: log replay of an unclosed copy (${(replayLogBytes / 2 ** 20).toFixed(1)} MiB) took ${secs(replayMs)}: ${JSON.stringify(replayRecovery)}`);

    // ---- shandian: close and reopen
    t0 = performance.now();
    await engine.close();
    const closeMs = performance.now() - t0;
    engine = undefined;
    const diskBytes = dirBytes(storeDir);
    const diskFiles = describeFiles(storeDir);
    const fresh = freshOpen(storeDir);
    log(`shandian: Engine.open in a fresh process took ${secs(fresh.openMs)}, RSS +${(fresh.delta.rss / 2 ** 20).toFixed(0)} MiB = ${(fresh.delta.rss / data.lines).toFixed(0)} B/line`);
    t0 = performance.now();
    const reopened = await Engine.open({ dir: storeDir, durability: 'none' });
    const reopenMs = performance.now() - t0;
    log(`shandian: close ${secs(closeMs)}, reopen ${secs(reopenMs)}; store on disk ${(diskBytes / 2 ** 20).toFixed(1)} MiB (${diskFiles.join(', ')})`);

    // ---- DuckDB: the same records
    const peer = await DuckPeer.create();
    const fp2 = new Fingerprint();
    const duck = await peer.load(recordBatches(orders), (batch) => {
      for (const r of batch) fp2.add(r);
    });
    if (JSON.stringify(fp2.summary()) !== JSON.stringify(data)) {
      throw new BenchFailure(`the two generator passes differ: ${JSON.stringify(data)} vs ${JSON.stringify(fp2.summary())}`);
    }
    const duckInfo = await peer.describe();
    const duckLines = Number(await peer.scalar('SELECT count(*) FROM lines'));
    if (duckLines !== data.lines) throw new BenchFailure(`DuckDB holds ${duckLines} lines, expected ${data.lines}`);
    log(`DuckDB ${duckInfo.version}: loaded in ${secs(duck.ingestMs)} (appenders ${secs(duck.appendMs)}, final-state SQL ${secs(duck.finishMs)}) = ${fmtInt(data.lines / (duck.ingestMs / 1000))} lines/s; ${duckInfo.threads} threads`);

    // ---- counts must agree: before reopen, after reopen, DuckDB
    const expected = new Map<string, number>();
    let firstQueryMs: number | undefined;
    const problems: string[] = [];
    for (const s of scenarios) {
      const before = countsBeforeReopen.get(s.id)!;
      const tq = performance.now();
      const after = (await reopened.query(s.xml, { asOf: AS_OF, tz: TZ })).count;
      if (firstQueryMs === undefined) firstQueryMs = performance.now() - tq;
      const theirs = await peer.count(s.sql);
      log(`  ${s.id.padEnd(20)} shandian ${fmtInt(after).padStart(9)}  DuckDB ${fmtInt(theirs).padStart(9)}${before !== after ? `  (before reopen: ${fmtInt(before)})` : ''}`);
      if (before !== after) problems.push(`  ${s.id}: shandian gives ${before} before close and ${after} after reopen`);
      if (after !== theirs) problems.push(`  ${s.id}: shandian ${after} != DuckDB ${theirs}\n${await explainMismatch(s, reopened, peer)}`);
      if (theirs === 0) log(`  warning: ${s.id} is empty at this size`);
      expected.set(s.id, theirs);
    }
    if (problems.length) {
      throw new BenchFailure(`COUNT MISMATCH at ${fmtInt(data.lines)} lines: the engines disagree, no timings were recorded.\n${problems.join('\n')}`);
    }

    // ---- timings
    const bench = new Bench({ iterations: opts.runs, time: opts.timeMs, warmup: opts.warmup > 0, warmupIterations: opts.warmup, warmupTime: 0, throws: true });
    for (const s of scenarios) {
      const want = expected.get(s.id)!;
      bench.add(`shandian/${s.id}`, async () => {
        const n = (await reopened.query(s.xml, { asOf: AS_OF, tz: TZ })).count;
        if (n !== want) throw new BenchFailure(`shandian/${s.id} returned ${n} during timing, expected ${want}`);
      });
      bench.add(`duckdb/${s.id}`, async () => {
        const n = await peer.count(s.sql);
        if (n !== want) throw new BenchFailure(`duckdb/${s.id} returned ${n} during timing, expected ${want}`);
      });
    }
    bench.addEventListener('cycle', (e) => {
      const task = (e as unknown as { task?: Task }).task;
      if (task && task.result.state === 'completed') {
        log(`  ${task.name.padEnd(30)} p50 ${task.result.latency.p50.toFixed(2).padStart(9)} ms  p99 ${task.result.latency.p99.toFixed(2).padStart(9)} ms  (${task.result.latency.samplesCount} runs)`);
      }
    });
    log(`timing ${scenarios.length} scenarios x 2 engines (>= ${opts.runs} runs and >= ${opts.timeMs} ms each, ${opts.warmup} warmup runs)`);
    const cpuTiming0 = cpuSnapshot();
    await bench.run();
    const timingCpu = cpuShare(cpuTiming0, cpuSnapshot());
    if (timingCpu.othersPct !== undefined) {
      log(`during timing other processes used ${timingCpu.othersPct.toFixed(0)}% of the machine's CPU (load average ${timingCpu.loadAvg1m.toFixed(2)})`);
    }

    const scenarioResults: ScenarioResult[] = scenarios.map((s) => ({
      id: s.id,
      title: s.title,
      xml: s.xml,
      sql: s.sql,
      count: expected.get(s.id)!,
      shandian: latency(bench.getTask(`shandian/${s.id}`)!),
      duckdb: latency(bench.getTask(`duckdb/${s.id}`)!),
    }));

    const result: SizeResult = {
      format: RESULTS_FORMAT,
      requestedLines: opts.lines,
      measuredAt: new Date().toISOString(),
      command: commandLine(),
      machine,
      engineSource: sourceFingerprint('src'),
      gcMethod,
      data: { seed: SEED, orders: data.orders, lines: data.lines, records: data.records, customers: size.customers, refunds: data.refunds, tagEvents: data.tagEvents, fingerprint: data.hash },
      asOf: AS_OF,
      tz: TZ,
      bench: { minRuns: opts.runs, minTimeMs: opts.timeMs, warmupRuns: opts.warmup },
      noise: { shandianIngest: ingestCpu, timing: timingCpu },
      shandian: {
        version: packageVersion(),
        shards: size.shards,
        batchRecords: BATCH_RECORDS,
        ingestMs,
        linesPerSec: data.lines / (ingestMs / 1000),
        memoryAfterLoad: memDelta(mem1, mem0),
        freshOpen: fresh,
        closeMs,
        reopenMs,
        firstQueryAfterOpenMs: firstQueryMs ?? 0,
        firstQueryScenario: scenarios[0]!.id,
        replayMs,
        replayLogBytes,
        replayFiles,
        replayRecovery,
        recovery: reopened.recovery ?? null,
        diskBytes,
        diskFiles,
      },
      duckdb: {
        version: duckInfo.version,
        threads: duckInfo.threads,
        memoryLimit: duckInfo.memoryLimit,
        ingestMs: duck.ingestMs,
        appendMs: duck.appendMs,
        finishMs: duck.finishMs,
        linesPerSec: data.lines / (duck.ingestMs / 1000),
        memoryBytes: duckInfo.memoryBytes,
      },
      scenarios: scenarioResults,
    };
    await reopened.close();
    peer.close();
    return result;
  } finally {
    if (opts.keep) log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const opts = parseCli();
  if (!opts.reportOnly) {
    const result = await runSize(opts);
    const file = writeResult(opts.resultsDir, result);
    log(`wrote ${file}`);
  }
  const written = writeReport(opts.resultsDir, opts.out);
  for (const f of written) log(`wrote ${f}`);
}

main().catch((e: unknown) => {
  if (e instanceof BenchFailure) {
    process.stderr.write(`\nBENCHMARK FAILED: ${e.message}\n`);
  } else {
    process.stderr.write(`\nBENCHMARK FAILED with an error:\n${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  }
  process.exit(1);
});
