/**
 * `npm run bench:large -- --lines N [--runs R] [--time MS] [--warmup W] [--keep DIR] [--duck-memory GB]
 *                        [--engine-only] [--store DIR [--build-seconds X --build-peak-gib Y]]
 *                        [--results bench/results] [--out docs/benchmarks.md] [--no-docs]`
 *
 * The benchmark of bench/standard/run.ts at sizes where the two engines cannot both
 * hold the data in RAM (300M lines on 24 GiB): every phase runs in its own
 * Node process, one after the other, each with a clean heap and its own peak
 * RSS (VmHWM):
 *
 *   1. large-duck.ts: the records into a file-backed DuckDB under a memory
 *      limit, the Fingerprint and DataStats on the way; counts and timings.
 *   2. `shandian gen --data STORE --orders N` (the CLI, with
 *      large-build-hook.ts preloaded for progress and peak RSS).
 *   3. large-query.ts: Engine.open of that store, counts and timings.
 *
 * Then the counts are compared scenario by scenario (exit 1 on any
 * difference), bench/results/<N>.json is written (mode 'large') and
 * docs/benchmarks.md regenerated from every result file.
 *
 * --engine-only: for sizes DuckDB cannot load here in reasonable time. Phase 1
 * is large-stats.ts instead, the same generator pass (large-pass.ts) without
 * DuckDB; phases 2 and 3 are unchanged; the counts are checked against
 * nothing, which the output and the result file (engineOnly, duckdb: null)
 * say. --store DIR: skip phase 2 and open a store already built by
 * `shandian gen --data DIR --orders <ordersFor(N)>` (phase 3 still checks it
 * holds the data phase 1 generated); its build is recorded as not measured,
 * or as measured separately with --build-seconds and --build-peak-gib.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DataStats, LINES_PER_ORDER, ordersFor, SEED, type DataStatsJson } from '../standard/data.js';
import { compareCounts } from './large-compare.js';
import {
  BenchFailure, BUILD_PEAK_ENV, EXIT_COUNT_MISMATCH, fmtInt, gib, log, readJson, secs, writeJson,
  type BuildExit, type DataPassOutput, type DuckPhaseConfig, type DuckPhaseOutput, type QueryPhaseConfig, type QueryPhaseOutput,
  type StatsPhaseConfig, type StatsPhaseOutput,
} from './large-protocol.js';
import { largeResult, type LargeBuildRun, type LargeRun } from './large-result.js';
import { buildProgress, phaseFailed } from './large-phase.js';
import { spawnPhase } from './large-spawn.js';
import { cpuShare, cpuSnapshot, describeMachine, dirBytes, machineLine } from '../common/machine.js';
import { describeFiles, packageVersion, sourceFingerprint } from '../common/provenance.js';
import { writeReport } from '../standard/report.js';
import { writeResult } from '../standard/results.js';
import { buildScenarios } from '../standard/scenarios.js';
import { readManifest } from '../../src/index.js';

/** SET threads for DuckDB: the machine this mode is for has 2 cores, and shandian's defaults use them all too. */
const DUCK_THREADS = 2;
const TMPFS_MAGIC = 0x01021994;
const DEFAULT_DUCK_GB = '8';
/** What an --engine-only run says, loudly, before and after. */
const ENGINE_ONLY_WARNING = 'engine only: counts NOT cross-checked against DuckDB at this size';

const HELP = `usage: npm run bench:large -- --lines N [options]
  --lines N          order lines to generate (about N/${LINES_PER_ORDER} orders, seed ${SEED})
  --runs R           at least R timed runs per scenario and engine (default 10)
  --time MS          and at least MS milliseconds of timed runs (default 500)
  --warmup W         untimed runs first (default 1)
  --duck-memory GB   DuckDB's SET memory_limit (default ${DEFAULT_DUCK_GB})
  --engine-only      no DuckDB: phase 1 only generates the records (fingerprint, SKU stats); shandian's
                     counts are NOT cross-checked, and the result and report say so
  --store DIR        skip the build: open the store in DIR, built beforehand for the same --lines by
                     node dist/src/cli/main.js gen --data DIR --orders <round(N / ${LINES_PER_ORDER})> [--shards S]
                     (checked to hold the same orders, lines and customers; the build is recorded as not measured)
  --build-seconds X  with --store: the wall time of that build, measured separately (recorded as such)
  --build-peak-gib Y with --store: that build's peak RSS in GiB, measured separately (give both or neither)
  --stats-from DIR   with --engine-only: reuse the phase-1 output (stats.json, stats-pass.json) of an earlier
                     run for the same --lines, e.g. one made while the store was building by
                     node dist/bench/large/large-stats.js CONFIG.json  (a StatsPhaseConfig)
  --keep DIR         put the work dir (DuckDB file, store, phase outputs) in DIR, empty or new, and keep it
  --results DIR      where <N>.json is written (default bench/results)
  --out FILE         the report regenerated from every result there (default docs/benchmarks.md)
  --no-docs          do not regenerate the report
`;

function parseCli() {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string' }, runs: { type: 'string', default: '10' }, time: { type: 'string', default: '500' },
      warmup: { type: 'string', default: '1' }, 'duck-memory': { type: 'string' }, keep: { type: 'string' },
      'engine-only': { type: 'boolean', default: false }, store: { type: 'string' }, 'stats-from': { type: 'string' },
      'build-seconds': { type: 'string' }, 'build-peak-gib': { type: 'string' },
      results: { type: 'string', default: 'bench/results' }, out: { type: 'string', default: 'docs/benchmarks.md' },
      'no-docs': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number): number => {
    if (v === undefined) throw new BenchFailure(`--${name} N is required, e.g. npm run bench:large -- --lines 300000000 (see --help)`);
    const n = Number(v.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < min) throw new BenchFailure(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  const engineOnly = values['engine-only']!;
  if (engineOnly && values['duck-memory'] !== undefined) throw new BenchFailure('--duck-memory has no effect with --engine-only (DuckDB is not run)');
  const duckGb = Number(values['duck-memory'] ?? DEFAULT_DUCK_GB);
  if (!(duckGb > 0)) throw new BenchFailure(`--duck-memory must be a positive number of GB, got ${values['duck-memory']}`);
  const positive = (name: string, v: string): number => {
    const n = Number(v);
    if (!(Number.isFinite(n) && n > 0)) throw new BenchFailure(`--${name} must be a positive number, got ${v}`);
    return n;
  };
  const [buildSeconds, buildPeakGib] = [values['build-seconds'], values['build-peak-gib']];
  if ((buildSeconds !== undefined || buildPeakGib !== undefined) && values.store === undefined) {
    throw new BenchFailure('--build-seconds and --build-peak-gib describe the build of a --store DIR: give --store too');
  }
  if ((buildSeconds === undefined) !== (buildPeakGib === undefined)) throw new BenchFailure('give both --build-seconds and --build-peak-gib, or neither');
  if (values['stats-from'] !== undefined && !engineOnly) throw new BenchFailure('--stats-from reuses an engine-only phase 1: give --engine-only too');
  return {
    lines: int('lines', values.lines, 1000),
    bench: { runs: int('runs', values.runs, 1), timeMs: int('time', values.time, 0), warmup: int('warmup', values.warmup, 0) },
    memoryLimit: `${duckGb}GB`,
    engineOnly,
    store: values.store === undefined ? undefined : path.resolve(values.store),
    /** the --store's build as measured separately, if given */
    buildSeparately: buildSeconds === undefined || buildPeakGib === undefined ? undefined
      : { wallMs: positive('build-seconds', buildSeconds) * 1000, peakRssBytes: Math.round(positive('build-peak-gib', buildPeakGib) * 2 ** 30) },
    statsFrom: values['stats-from'] === undefined ? undefined : path.resolve(values['stats-from']),
    keep: values.keep,
    resultsDir: values.results!,
    out: values.out!,
    docs: !values['no-docs'],
  };
}

/** The work dir: --keep DIR (empty or new) or a fresh temp dir. */
function workDir(keep: string | undefined): string {
  if (keep === undefined) return fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-large-'));
  if (fs.existsSync(keep) && fs.readdirSync(keep).length > 0) throw new BenchFailure(`--keep ${keep} is not empty: give an empty or new directory`);
  fs.mkdirSync(keep, { recursive: true });
  return path.resolve(keep);
}

function describeDisk(dir: string): void {
  try {
    const st = fs.statfsSync(dir);
    log(`work dir ${dir}: ${gib(st.bavail * st.bsize)} free`);
    if (st.type === TMPFS_MAGIC) log('warning: the work dir is on tmpfs, so the DuckDB file and the store take RAM; use --keep DIR on a disk');
  } catch {
    log(`work dir ${dir}`);
  }
}

/** The CLI's summary: `built DIR: L order lines, O orders, C customers in ...`. */
function checkBuilt(reported: string, pass: DataPassOutput, passName: string): void {
  const m = /: ([\d,]+) order lines, ([\d,]+) orders, ([\d,]+) customers/.exec(reported);
  if (!m) return; // the query phase checks engine.size in any case
  const [lines, orders, customers] = [m[1], m[2], m[3]].map((x) => Number(x!.replaceAll(',', '')));
  const fp = pass.fingerprint;
  if (lines !== fp.lines || orders !== fp.orders || customers !== pass.customers) {
    throw new BenchFailure(`gen --data built ${fmtInt(lines!)} lines / ${fmtInt(orders!)} orders / ${fmtInt(customers!)} customers, ` +
      `the ${passName}'s generator pass produced ${fmtInt(fp.lines)} / ${fmtInt(fp.orders)} / ${fmtInt(pass.customers)}: not the same data`);
  }
}

/**
 * --store DIR, before phase 1 spends its time: a shandian store whose snapshot holds the orders
 * --lines stands for. Phase 3 checks its orders, lines and customers against phase 1's pass in any case.
 */
function checkStore(store: string, orders: number, lines: number): void {
  const hint = `build one for --lines ${lines} with: node dist/src/cli/main.js gen --data <empty or new DIR> --orders ${orders}`;
  if (!fs.existsSync(path.join(store, 'meta.json'))) throw new BenchFailure(`--store ${store}: no shandian store there (no meta.json); ${hint}`);
  if (fs.existsSync(path.join(store, 'LOCK'))) log(`warning: --store ${store} has a LOCK file: if a build or another engine still has it open, phase 3's open will fail`);
  const manifest = readManifest(store);
  const logDir = path.join(store, 'log');
  const logFiles = fs.existsSync(logDir) ? fs.readdirSync(logDir).length : 0;
  if (!manifest || logFiles > 0) {
    log(`--store ${store}: ${manifest ? 'has log segments after its snapshot' : 'has no snapshot'}; phase 3 checks what it holds`);
    return;
  }
  const r = manifest.records;
  if (r.orders !== orders) {
    throw new BenchFailure(`--store ${store} holds ${fmtInt(r.orders)} orders (${fmtInt(r.lines)} lines), --lines ${fmtInt(lines)} means ` +
      `${fmtInt(orders)} orders: not the same data; ${hint}`);
  }
  log(`--store ${store}: ${fmtInt(r.orders)} orders, ${fmtInt(r.lines)} lines, ${fmtInt(r.customers)} customers, ${manifest.shards} shards (snapshot of ${manifest.createdAt})`);
}

function loud(msg: string): void {
  const bar = '*'.repeat(msg.length + 4);
  log(bar);
  log(`* ${msg} *`);
  log(bar);
}

async function run(opts: ReturnType<typeof parseCli>, dir: string, signal: AbortSignal): Promise<void> {
  const machine = describeMachine();
  log(machineLine(machine));
  const orders = ordersFor(opts.lines);
  const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
  const phases = path.join(dir, 'phases');
  const duckDir = path.join(dir, 'duckdb');
  const storeDir = opts.store ?? path.join(dir, 'store');
  const statsPath = path.join(phases, 'stats.json');
  fs.mkdirSync(phases);
  if (!opts.engineOnly) fs.mkdirSync(path.join(duckDir, 'spill'), { recursive: true });
  describeDisk(dir);
  log(`${fmtInt(opts.lines)} lines requested: generate({ orders: ${fmtInt(orders)}, seed: ${SEED} })`);
  if (opts.engineOnly) loud(`${ENGINE_ONLY_WARNING}: DuckDB is not run (--engine-only)`);
  if (opts.store) checkStore(opts.store, orders, opts.lines);
  const started = performance.now();
  const phaseHeader = (n: number, what: string): void => log(`---- phase ${n}/3: ${what} (${secs(performance.now() - started)} since start)`);

  // ---- 1. DuckDB, file-backed; or with --engine-only only the generator pass
  let duck: DuckPhaseOutput | undefined;
  let statsPass: StatsPhaseOutput | undefined;
  let duckConfig: DuckPhaseConfig | undefined;
  if (opts.engineOnly && opts.statsFrom) {
    phaseHeader(1, `generator pass reused from ${opts.statsFrom} (--stats-from)`);
    const earlier = readJson<StatsPhaseConfig>(path.join(opts.statsFrom, 'stats-config.json'));
    if (earlier.orders !== orders || earlier.requestedLines !== opts.lines) {
      throw new BenchFailure(`--stats-from ${opts.statsFrom} was made for ${earlier.requestedLines} lines (${earlier.orders} orders), not ${opts.lines}`);
    }
    fs.copyFileSync(earlier.statsPath, statsPath);
    statsPass = readJson<StatsPhaseOutput>(earlier.outPath);
    log(`stats pass reused: it took ${secs(statsPass.wallMs)}, peak RSS ${gib(statsPass.peakRssBytes)}`);
  } else if (opts.engineOnly) {
    phaseHeader(1, 'generator pass: Fingerprint, customers, SKU stats (no DuckDB: --engine-only)');
    const statsConfig: StatsPhaseConfig = { orders, requestedLines: opts.lines, statsPath, outPath: path.join(phases, 'stats-pass.json') };
    writeJson(path.join(phases, 'stats-config.json'), statsConfig);
    const statsRun = await spawnPhase({ name: 'stats', args: [here('./large-stats.js'), path.join(phases, 'stats-config.json')], signal });
    if (statsRun.code !== 0) throw phaseFailed('stats', statsRun);
    statsPass = readJson<StatsPhaseOutput>(statsConfig.outPath);
    log(`stats phase done in ${secs(statsRun.wallMs)}, peak RSS ${gib(statsPass.peakRssBytes)}`);
  } else {
    phaseHeader(1, `DuckDB, file-backed, memory_limit ${opts.memoryLimit}, ${DUCK_THREADS} threads`);
    duckConfig = {
      orders, requestedLines: opts.lines, dbPath: path.join(duckDir, 'bench.duckdb'), tempDirectory: path.join(duckDir, 'spill'),
      memoryLimit: opts.memoryLimit, threads: DUCK_THREADS, bench: opts.bench, statsPath, outPath: path.join(phases, 'duck.json'),
    };
    writeJson(path.join(phases, 'duck-config.json'), duckConfig);
    const duckRun = await spawnPhase({ name: 'duckdb', args: [here('./large-duck.js'), path.join(phases, 'duck-config.json')], signal });
    if (duckRun.code !== 0) throw phaseFailed('DuckDB', duckRun);
    duck = readJson<DuckPhaseOutput>(duckConfig.outPath);
    log(`DuckDB phase done in ${secs(duckRun.wallMs)}, peak RSS ${gib(duck.peakRssBytes)}`);
    // spill files are no data; without --keep the database is not needed again either, and at 300M lines
    // it takes disk the store is about to need
    fs.rmSync(opts.keep ? duckConfig.tempDirectory : duckDir, { recursive: true, force: true });
  }
  const pass: DataPassOutput = (duck ?? statsPass)!;
  const passName = duck ? 'DuckDB phase' : 'stats phase';

  // ---- 2. shandian gen --data, unless --store gave a store built beforehand
  let build: LargeBuildRun;
  if (opts.store) {
    phaseHeader(2, `skipped: --store ${opts.store} (built beforehand; ` +
      `${opts.buildSeparately ? `build measured separately: ${secs(opts.buildSeparately.wallMs)}, peak RSS ${gib(opts.buildSeparately.peakRssBytes)}` : 'build not measured in this run'})`);
    build = opts.buildSeparately ? { measured: 'separately', store: opts.store, ...opts.buildSeparately } : { measured: 'no', store: opts.store };
  } else {
    const genArgs = ['gen', '--data', storeDir, '--orders', String(orders)];
    const buildCommand = `shandian ${genArgs.join(' ')}`.replace(storeDir, 'STORE');
    phaseHeader(2, buildCommand);
    const peakFile = path.join(phases, 'build-exit.json');
    const cpuBuild0 = cpuSnapshot();
    const buildRun = await spawnPhase({
      name: 'gen --data', signal, heartbeatMs: 15_000, progress: buildProgress(orders), env: { ...process.env, [BUILD_PEAK_ENV]: peakFile },
      args: ['--import', pathToFileURL(here('./large-build-hook.js')).href, here('../../src/cli/main.js'), ...genArgs],
    });
    const cpuBuild1 = cpuSnapshot();
    if (buildRun.code !== 0) throw phaseFailed('gen --data', buildRun);
    const exit = readJson<BuildExit>(peakFile);
    const reported = buildRun.lines.find((l) => l.startsWith('built ')) ?? '';
    checkBuilt(reported, pass, passName);
    log(`gen --data done in ${secs(buildRun.wallMs)} = ${fmtInt(pass.fingerprint.lines / (buildRun.wallMs / 1000))} lines/s, ` +
      `peak RSS ${gib(exit.peakRssBytes)}, store ${(dirBytes(storeDir) / 2 ** 20).toFixed(0)} MiB`);
    const noise = cpuShare({ ...cpuBuild0, ownUs: 0 }, { ...cpuBuild1, ownUs: exit.cpuUs });
    build = { measured: 'this-run', command: buildCommand, wallMs: buildRun.wallMs, peakRssBytes: exit.peakRssBytes, reported, noise };
  }
  const diskBytes = dirBytes(storeDir);

  // ---- 3. shandian Engine.open, counts, timings
  phaseHeader(3, 'shandian Engine.open in a fresh process, counts, timings');
  const queryConfig: QueryPhaseConfig = {
    storeDir, statsPath, bench: opts.bench, outPath: path.join(phases, 'query.json'),
    expected: { orders: pass.fingerprint.orders, lines: pass.fingerprint.lines, customers: pass.customers }, expectedCounts: duck ? duck.counts : null,
  };
  writeJson(path.join(phases, 'query-config.json'), queryConfig);
  const queryRun = await spawnPhase({ name: 'shandian', args: ['--expose-gc', here('./large-query.js'), path.join(phases, 'query-config.json')], signal });
  if (queryRun.code !== 0 && queryRun.code !== EXIT_COUNT_MISMATCH) throw phaseFailed('shandian query', queryRun);
  const query = readJson<QueryPhaseOutput>(queryConfig.outPath);

  // ---- 4. the counts must agree (with --engine-only there is nothing to compare them with)
  const scenarios = buildScenarios(DataStats.fromJSON(readJson<DataStatsJson>(statsPath)));
  if (duck && duckConfig) {
    const problems = compareCounts(scenarios.map((s) => s.id), duck.counts, query.counts);
    if (problems.length > 0 || queryRun.code !== 0) {
      throw new BenchFailure(`COUNT MISMATCH at ${fmtInt(duck.fingerprint.lines)} lines: the engines disagree, no result was written.\n` +
        problems.map((p) => `  ${p}`).join('\n') +
        (opts.keep ? `\n  shandian's members of each: ${phases}/mismatch-<scenario>.shandian-ids.txt; DuckDB: ${duckConfig.dbPath}`
          : '\n  rerun with --keep DIR to keep the DuckDB database, the store and shandian\'s members of each mismatching scenario'));
    }
  } else if (queryRun.code !== 0) {
    throw new BenchFailure(`the shandian query phase exited with code ${queryRun.code} although it had no counts to compare`);
  }
  if (!query.latencies || !query.noiseTiming || query.closeMs === undefined) throw new BenchFailure('the shandian query phase wrote no timings');

  const facts: LargeRun = {
    requestedLines: opts.lines, command: `npm run bench:large -- ${process.argv.slice(2).join(' ')}`, machine,
    engineSource: sourceFingerprint('src'), version: packageVersion(), bench: opts.bench, scenarios,
    phase1: duck ? { kind: 'duckdb', duck, memoryLimitRequested: opts.memoryLimit } : { kind: 'stats', stats: statsPass! },
    build,
    query: { ...query, latencies: query.latencies, noiseTiming: query.noiseTiming, closeMs: query.closeMs },
    diskBytes, diskFiles: describeFiles(storeDir),
  };
  const result = largeResult(facts);
  if (duck) log(`all ${scenarios.length} counts agree; ${secs(performance.now() - started)} in all`);
  else log(`${scenarios.length} scenarios counted and timed on shandian alone; ${secs(performance.now() - started)} in all`);
  for (const s of result.scenarios) {
    log(`  ${s.id.padEnd(20)} ${fmtInt(s.count).padStart(11)}  shandian p50 ${s.shandian.p50.toFixed(2).padStart(9)} p99 ${s.shandian.p99.toFixed(2).padStart(9)} ms  ` +
      (s.duckdb ? `DuckDB p50 ${s.duckdb.p50.toFixed(2).padStart(9)} p99 ${s.duckdb.p99.toFixed(2).padStart(9)} ms` : 'DuckDB not run'));
  }
  if (build.measured !== 'this-run') {
    log(build.measured === 'separately'
      ? `build: not measured in this run (--store); recorded as measured separately: ${secs(build.wallMs)}, peak RSS ${gib(build.peakRssBytes)}`
      : 'build: not measured in this run (--store)');
  }
  if (!duck) loud(ENGINE_ONLY_WARNING);
  log(`wrote ${writeResult(opts.resultsDir, result)}`);
  if (opts.docs) for (const f of writeReport(opts.resultsDir, opts.out)) log(`wrote ${f}`);
}

async function main(): Promise<void> {
  const opts = parseCli();
  const dir = workDir(opts.keep);
  const abort = new AbortController();
  const cleanup = (): void => {
    if (opts.keep) log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the running phase`);
      abort.abort();
      cleanup();
      process.exit(130);
    });
  }
  try {
    await run(opts, dir, abort.signal);
  } finally {
    cleanup();
  }
}

main().catch((e: unknown) => {
  const msg = e instanceof BenchFailure ? e.message : `an error:\n${e instanceof Error ? e.stack ?? e.message : String(e)}`;
  process.stderr.write(`\nLARGE BENCHMARK FAILED: ${msg}\n`);
  process.exit(1);
});
