/**
 * bench/large/large.ts (`npm run bench:large`): the count comparison across the
 * phase processes, the DataStats hand-over, and the whole pipeline at a tiny
 * size, writing to a temp results dir (never bench/results or docs/): with
 * DuckDB, --engine-only, and --store (a store built beforehand).
 *
 * The pipeline runs the compiled bench from dist/ (rebuilt when stale), or
 * from SHANDIAN_BENCH_DIST=DIR if set: compiled there with tsc --outDir, so
 * dist/ is left alone.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataStats, ordersFor, recordBatches } from '../../bench/standard/data.js';
import { compareCounts } from '../../bench/large/large-compare.js';
import { DistinctCustomers } from '../../bench/large/large-pass.js';
import { EXIT_COUNT_MISMATCH } from '../../bench/large/large-protocol.js';
import { buildProgress, phaseFailed } from '../../bench/large/large-phase.js';
import { spawnPhase } from '../../bench/large/large-spawn.js';
import { renderMarkdown, renderSvg } from '../../bench/standard/report.js';
import { isLarge, type LargeSizeResult, type SizeResult } from '../../bench/standard/results.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** the compiled bench and engine the pipeline tests run */
const DIST = process.env.SHANDIAN_BENCH_DIST ? path.resolve(process.env.SHANDIAN_BENCH_DIST) : path.join(ROOT, 'dist');
const IDS = ['cross-sell', 'repurchase-reminder', 'high-value-vip', 'dormant-win-back', 'cross-channel', 'family-minus-tag', 'rfm-champions', 'wide-or-50',
  // part two (contract 7): the CRM primitives
  'new-customers', 'lapsed', 'campaign-holdout', 'bulk-buyer', 'rfm-score', 'spend-layer', 'phone-then-case', 'phone-no-case'];

describe('compareCounts', () => {
  const counts = Object.fromEntries(IDS.map((id, i) => [id, 100 + i]));

  it('finds nothing when every scenario agrees', () => {
    expect(compareCounts(IDS, counts, { ...counts })).toEqual([]);
  });

  it('names every scenario whose counts differ, with both counts', () => {
    const problems = compareCounts(IDS, counts, { ...counts, 'cross-sell': 99, 'wide-or-50': 108 });
    expect(problems).toEqual(['cross-sell: shandian 99 != DuckDB 100 (-1)', 'wide-or-50: shandian 108 != DuckDB 107 (+1)']);
  });

  it('reports a scenario missing on either side, and counts for no known scenario', () => {
    const { 'rfm-champions': _gone, ...withoutRfm } = counts;
    expect(compareCounts(IDS, withoutRfm, { ...counts, extra: 1 })).toEqual([
      'rfm-champions: no count from DuckDB',
      'extra: counted by shandian but not a scenario',
    ]);
    expect(compareCounts(IDS, counts, {})).toHaveLength(IDS.length);
  });
});

describe('a failing phase', () => {
  it('shows the error a build printed right after its progress bar (no newline between them), not only "exited with code 1"', async () => {
    // what gen --data does on a TTY: a bar redraw with no newline, then the error, then exit 1
    const child = [
      "process.stderr.write('\\rbuild [###############---------------] 50.0% 102,739,726 orders eta 300s \\x1b[K');",
      "process.stderr.write('shandian: E_IO: /s/snapshots/x: writing a snapshot failed: ERR_OUT_OF_RANGE\\n');",
      'process.exit(1);',
    ].join('\n');
    const forwarded: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (forwarded.push(String(chunk)), true)) as typeof process.stderr.write;
    let run;
    try {
      run = await spawnPhase({ name: 'gen --data', args: ['-e', child], progress: buildProgress(205_479_452) });
    } finally {
      process.stderr.write = write;
    }
    expect(run.code).toBe(1);
    expect(forwarded.join('')).toContain('shandian: E_IO');
    const failure = phaseFailed('gen --data', run);
    expect(failure.message).toMatch(/^the gen --data phase exited with code 1 after [\d.]+s; the last line of its stderr:\n/);
    expect(failure.message).toContain('shandian: E_IO: /s/snapshots/x: writing a snapshot failed: ERR_OUT_OF_RANGE');
  });

  it('keeps the tail of a long stderr and says so when there was none', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const failure = phaseFailed('shandian query', { code: 1, signal: null, wallMs: 1234, rssSampledMax: 0, lines });
    expect(failure.message).toContain('the last 20 lines of its stderr');
    expect(failure.message).toContain('  | line 49');
    expect(failure.message).not.toContain('line 29\n');
    expect(phaseFailed('stats', { code: 1, signal: null, wallMs: 5, rssSampledMax: 0, lines: [] }).message).toContain('it wrote nothing to stderr');
  });

  it('takes only a whole bar for progress', () => {
    const progress = buildProgress(1000);
    expect(progress('build [###---] 50.0% 500 orders eta 3s')).toBe('50.0%: 500 of 1,000 orders (~730 lines)');
    expect(progress('build [######] 100.0% 1,000 orders')).toBeDefined();
    expect(progress('build [###---] 50.0% 500 orders eta 3sshandian: E_IO: boom')).toBeUndefined();
  });
});

describe('DataStats JSON', () => {
  it('picks the same SKUs after a round trip through JSON', () => {
    const stats = new DataStats();
    for (const batch of recordBatches(3000)) for (const r of batch) if (r.type === 'order') stats.addOrder(r.lines);
    const back = DataStats.fromJSON(JSON.parse(JSON.stringify(stats.toJSON())));
    expect(back.topSkus(50)).toEqual(stats.topSkus(50));
    for (const c of ['sneakers', 'socks', 'skincare']) expect(back.topSkuIn(c)).toBe(stats.topSkuIn(c));
  });
});

/** DIST must hold the compiled bench and engine: rebuild when a source is newer (one build at a time, as test/cli/helpers.ts). */
function ensureBuilt(): void {
  const custom = DIST !== path.join(ROOT, 'dist');
  if (custom) {
    fs.mkdirSync(DIST, { recursive: true });
    // outside the repo the compiled ES modules need the package type and the dependencies
    fs.writeFileSync(path.join(DIST, 'package.json'), '{"type":"module"}\n');
    if (!fs.existsSync(path.join(DIST, 'node_modules'))) fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(DIST, 'node_modules'), 'dir');
  }
  const stale = ['src', 'bench'].some((top) => fs.readdirSync(path.join(ROOT, top), { recursive: true }).map(String)
    .filter((f) => f.endsWith('.ts'))
    .some((f) => {
      const js = path.join(DIST, top, f.replace(/\.ts$/, '.js'));
      return !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(path.join(ROOT, top, f)).mtimeMs;
    }));
  if (!stale) return;
  const lock = path.join(os.tmpdir(), 'shandian-test-build.lock');
  const deadline = Date.now() + 120_000;
  while (!tryMkdir(lock)) {
    if (Date.now() > deadline) throw new Error('timed out waiting for another test file to build dist/');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT, ...(custom ? ['--outDir', DIST] : [])], { stdio: 'pipe' });
  } catch (e) {
    // type errors still emit; only a missing output is fatal here
    if (!fs.existsSync(path.join(DIST, 'bench/large/large.js'))) throw e;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function tryMkdir(dir: string): boolean {
  try {
    fs.mkdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

function runLarge(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(DIST, 'bench/large/large.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('npm run bench:large at 20,000 lines', () => {
  let tmp: string;
  beforeAll(() => {
    ensureBuilt();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-large-test-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('runs the three phases, finds the counts equal and writes a large-mode result', async () => {
    const results = path.join(tmp, 'results');
    const work = path.join(tmp, 'work');
    const { code, stderr } = await runLarge(['--lines', '20000', '--runs', '2', '--time', '0', '--warmup', '0', '--results', results, '--no-docs', '--keep', work]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`all ${IDS.length} counts agree`);

    const r = JSON.parse(fs.readFileSync(path.join(results, '20000.json'), 'utf8')) as SizeResult;
    expect(isLarge(r)).toBe(true);
    if (!isLarge(r)) return;
    expect(r.scenarios.map((s) => s.id)).toEqual(IDS);
    for (const s of r.scenarios) {
      expect(s.shandian.samples, s.id).toBeGreaterThan(0);
      expect(s.duckdb.samples, s.id).toBeGreaterThan(0);
      expect(s.count, s.id).toBeGreaterThanOrEqual(0);
    }
    expect(r.data.lines).toBeGreaterThan(19_000);
    expect(r.engineOnly).toBeUndefined();
    expect(r.shandian.build.measured).toBe('this-run');
    expect(r.shandian.build.measured !== 'no' && r.shandian.build.peakRssBytes).toBeGreaterThan(0);
    expect(r.shandian.queryPeakRssBytes).toBeGreaterThan(0);
    expect(r.duckdb?.peakRssBytes).toBeGreaterThan(0);
    expect(r.duckdb?.fileBytes).toBeGreaterThan(0);
    expect(r.duckdb?.storage).toBe('file');
    // the kept work dir holds the phases' hand-over files and the two databases
    expect(fs.readdirSync(path.join(work, 'phases')).sort()).toEqual(['build-exit.json', 'duck-config.json', 'duck.json', 'query-config.json', 'query.json', 'stats.json']);
    expect(fs.existsSync(path.join(work, 'duckdb', 'bench.duckdb'))).toBe(true);

    const md = renderMarkdown([r], undefined);
    expect(md).toMatch(/## 20k order lines \([\d,]+ generated\), large mode/);
    expect(md).toContain('not measured (large mode');
    expect(md).toContain('file-backed');
  }, 90_000);

  it('stops the query phase before timing when a count differs from DuckDB\'s', async () => {
    // the kept work dir of the run above, with DuckDB's count for one scenario made wrong
    const phases = path.join(tmp, 'work', 'phases');
    const config = JSON.parse(fs.readFileSync(path.join(phases, 'query-config.json'), 'utf8')) as { expectedCounts: Record<string, number>; outPath: string };
    config.expectedCounts['cross-channel']! += 1;
    config.outPath = path.join(phases, 'query-tampered.json');
    fs.writeFileSync(path.join(phases, 'query-tampered-config.json'), JSON.stringify(config));
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(DIST, 'bench/large/large-query.js'), path.join(phases, 'query-tampered-config.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    expect(code, stderr).toBe(EXIT_COUNT_MISMATCH);
    expect(stderr).toMatch(/cross-channel .*MISMATCH/);
    expect(stderr).not.toContain('timing');
    const out = JSON.parse(fs.readFileSync(config.outPath, 'utf8')) as { counts: Record<string, number>; latencies?: unknown };
    expect(out.latencies).toBeUndefined();
    expect(compareCounts(IDS, config.expectedCounts, out.counts)).toHaveLength(1);
    expect(fs.existsSync(path.join(phases, 'mismatch-cross-channel.shandian-ids.txt'))).toBe(true);
  });

  it('refuses a --keep dir that is not empty', async () => {
    const dir = path.join(tmp, 'full');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'x'), '');
    const { code, stderr } = await runLarge(['--lines', '20000', '--results', path.join(tmp, 'r2'), '--no-docs', '--keep', dir]);
    expect(code).toBe(1);
    expect(stderr).toContain('is not empty');
  });

  // ---- --engine-only and --store (the tests above leave the DuckDB-checked result in results/20000.json)
  const ENGINE_ONLY = ['--lines', '20000', '--runs', '2', '--time', '0', '--warmup', '0', '--no-docs', '--engine-only'];
  const readLarge = (dir: string): LargeSizeResult => {
    const r = JSON.parse(fs.readFileSync(path.join(dir, '20000.json'), 'utf8')) as SizeResult;
    if (!isLarge(r)) throw new Error(`${dir}/20000.json is not a large-mode result`);
    return r;
  };
  let engineOnly: LargeSizeResult;
  let fromStore: LargeSizeResult;

  it('--engine-only: runs no DuckDB, says so loudly, and marks the result', async () => {
    const work = path.join(tmp, 'work-engine-only');
    const { code, stderr } = await runLarge([...ENGINE_ONLY, '--results', path.join(tmp, 'results-engine-only'), '--keep', work]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('engine only: counts NOT cross-checked against DuckDB at this size');
    expect(stderr).not.toContain('counts agree');
    expect(stderr).not.toMatch(/duckdb v\d/);

    const r = engineOnly = readLarge(path.join(tmp, 'results-engine-only'));
    expect(r.engineOnly).toBe(true);
    expect(r.duckdb).toBeNull();
    expect(r.scenarios.map((s) => s.id)).toEqual(IDS);
    for (const s of r.scenarios) {
      expect(s.shandian.samples, s.id).toBeGreaterThan(0);
      expect(s.duckdb, s.id).toBeNull();
    }
    expect(r.statsPass?.wallMs).toBeGreaterThan(0);
    expect(r.noise.statsPass).toBeDefined();
    expect(r.noise.duckdbTiming).toBeUndefined();
    expect(r.shandian.build.measured).toBe('this-run');
    // the same data, and the same counts as the run that checked them against DuckDB
    const checked = readLarge(path.join(tmp, 'results'));
    expect(r.data).toEqual(checked.data);
    expect(r.scenarios.map((s) => s.count)).toEqual(checked.scenarios.map((s) => s.count));
    expect(fs.readdirSync(path.join(work, 'phases')).sort()).toEqual(['build-exit.json', 'query-config.json', 'query.json', 'stats-config.json', 'stats-pass.json', 'stats.json']);
    expect(fs.existsSync(path.join(work, 'duckdb'))).toBe(false);
  });

  it('--store: opens a store built beforehand by gen --data instead of building one', async () => {
    const store = path.join(tmp, 'store-20k');
    execFileSync(process.execPath, [path.join(DIST, 'src/cli/main.js'), 'gen', '--data', store, '--orders', String(ordersFor(20_000)), '--shards', '2'], { stdio: 'pipe' });
    const results = path.join(tmp, 'results-store');
    const { code, stderr } = await runLarge([...ENGINE_ONLY, '--results', results, '--store', store, '--build-seconds', '1.5', '--build-peak-gib', '0.25']);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('phase 2/3: skipped: --store');
    expect(stderr).not.toContain('gen --data: built');

    const r = fromStore = readLarge(results);
    expect(r.engineOnly).toBe(true);
    expect(r.shandian.build).toEqual({ measured: 'separately', store, wallMs: 1500, linesPerSec: r.data.lines / 1.5, peakRssBytes: 0.25 * 2 ** 30 });
    expect(r.noise.build).toBeUndefined();
    expect(r.shandian.shards).toBe(2);
    expect(r.data).toEqual(engineOnly.data);
    expect(r.scenarios.map((s) => s.count)).toEqual(engineOnly.scenarios.map((s) => s.count));
    expect(fs.existsSync(path.join(store, 'LOCK'))).toBe(false);
  });

  it('--stats-from: reuses the generator pass of the engine-only run above instead of making another', async () => {
    const results = path.join(tmp, 'results-stats-from');
    const { code, stderr } = await runLarge([...ENGINE_ONLY, '--results', results, '--store', path.join(tmp, 'store-20k'),
      '--stats-from', path.join(tmp, 'work-engine-only', 'phases')]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('generator pass reused from');
    const r = readLarge(results);
    expect(r.data).toEqual(engineOnly.data);
    expect(r.scenarios.map((s) => s.count)).toEqual(engineOnly.scenarios.map((s) => s.count));
    const wrong = await runLarge(['--lines', '30000', '--engine-only', '--no-docs', '--results', path.join(tmp, 'r4'), '--stats-from', path.join(tmp, 'work-engine-only', 'phases')]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('was made for 20000 lines');
  });

  it('--store: refuses a store built for another --lines before generating anything', async () => {
    const { code, stderr } = await runLarge(['--lines', '30000', '--engine-only', '--no-docs', '--results', path.join(tmp, 'r3'), '--store', path.join(tmp, 'store-20k')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/holds 13,699 orders .*--lines 30,000 means 20,548 orders: not the same data/);
    expect(stderr).not.toContain('phase 1/3');
  });

  it('renders engine-only sizes: DuckDB "not run", speedups only where both ran, no NaN or undefined', () => {
    const checked = readLarge(path.join(tmp, 'results'));
    const at = (r: LargeSizeResult, lines: number, build?: LargeSizeResult['shandian']['build']): LargeSizeResult =>
      ({ ...r, requestedLines: lines, data: { ...r.data, lines }, shandian: { ...r.shandian, build: build ?? r.shandian.build } });
    const sizes = [checked, at(fromStore, 3_000_000), at(engineOnly, 300_000_000, { measured: 'no', store: '/elsewhere' })];

    const only = renderMarkdown([engineOnly], undefined);
    const mixed = renderMarkdown(sizes, 'chart.svg');
    const svg = renderSvg(sizes);
    for (const out of [only, mixed, svg]) expect(out).not.toMatch(/NaN|undefined|Infinity/);
    expect(only).toMatch(/## 20k order lines \([\d,]+ generated\), large mode, engine only/);
    expect(only).toContain('| not run | not run | n/a |');
    expect(only).toContain('were NOT cross-checked against DuckDB');
    expect(only).toContain('No size was measured on both engines, so there is no overall speedup.');
    // the overall geometric mean is the compared size's alone
    const own = /the geometric mean is ([\d.]+x)\./.exec(renderMarkdown([checked], undefined))![1];
    expect(mixed).toContain(`(engine-only sizes left out) the geometric mean is ${own}.`);
    expect(mixed).toContain('| 300M (300,000,000), large mode, engine only |');
    expect(mixed).toContain('(measured separately)');
    expect(mixed).toContain('not measured (`--store`)');
    // DuckDB's points only where it ran; shandian's at every size
    expect(svg.match(/<title>duckdb: /g)).toHaveLength(1);
    expect(svg.match(/<title>shandian: /g)).toHaveLength(3);
    expect(svg).toContain('300M: ');
    expect(svg).toContain('(DuckDB not run)');
  });
});

describe('DistinctCustomers', () => {
  it('counts each customer id once, the generator\'s numbered ones and any other', () => {
    const d = new DistinctCustomers();
    for (const id of ['c0000001', 'c0000002', 'c0000001', 'c12345678', 'c12345678', 'c00000001', 'x1', 'c0000001']) d.add(id);
    // c00000001 is not c0000001: a different string, counted apart
    expect(d.size).toBe(5);
  });

  it('agrees with a Set over a generated data set', () => {
    const d = new DistinctCustomers();
    const set = new Set<string>();
    for (const batch of recordBatches(3000)) {
      for (const r of batch) {
        if (r.type === 'refund') continue;
        d.add(r.customer_id);
        set.add(r.customer_id);
      }
    }
    expect(d.size).toBe(set.size);
  });
});
