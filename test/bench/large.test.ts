/**
 * bench/large.ts (`npm run bench:large`): the count comparison across the
 * phase processes, the DataStats hand-over, and the whole pipeline at a tiny
 * size, writing to a temp results dir (never bench/results or docs/).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataStats, recordBatches } from '../../bench/data.js';
import { compareCounts } from '../../bench/large-compare.js';
import { EXIT_COUNT_MISMATCH } from '../../bench/large-protocol.js';
import { renderMarkdown } from '../../bench/report.js';
import { isLarge, type SizeResult } from '../../bench/results.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const IDS = ['cross-sell', 'repurchase-reminder', 'high-value-vip', 'dormant-win-back', 'cross-channel', 'family-minus-tag', 'rfm-champions', 'wide-or-50'];

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

describe('DataStats JSON', () => {
  it('picks the same SKUs after a round trip through JSON', () => {
    const stats = new DataStats();
    for (const batch of recordBatches(3000)) for (const r of batch) if (r.type === 'order') stats.addOrder(r.lines);
    const back = DataStats.fromJSON(JSON.parse(JSON.stringify(stats.toJSON())));
    expect(back.topSkus(50)).toEqual(stats.topSkus(50));
    for (const c of ['sneakers', 'socks', 'skincare']) expect(back.topSkuIn(c)).toBe(stats.topSkuIn(c));
  });
});

/** dist/ must hold the compiled bench and engine: rebuild when a source is newer (one build at a time, as test/cli/helpers.ts). */
function ensureBuilt(): void {
  const stale = ['src', 'bench'].some((top) => fs.readdirSync(path.join(ROOT, top), { recursive: true }).map(String)
    .filter((f) => f.endsWith('.ts'))
    .some((f) => {
      const js = path.join(ROOT, 'dist', top, f.replace(/\.ts$/, '.js'));
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
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], { stdio: 'pipe' });
  } catch (e) {
    // type errors still emit; only a missing output is fatal here
    if (!fs.existsSync(path.join(ROOT, 'dist/bench/large.js'))) throw e;
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
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/bench/large.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
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
    expect(stderr).toContain('all 8 counts agree');

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
    expect(r.shandian.build.peakRssBytes).toBeGreaterThan(0);
    expect(r.shandian.queryPeakRssBytes).toBeGreaterThan(0);
    expect(r.duckdb.peakRssBytes).toBeGreaterThan(0);
    expect(r.duckdb.fileBytes).toBeGreaterThan(0);
    expect(r.duckdb.storage).toBe('file');
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
      const child = spawn(process.execPath, [path.join(ROOT, 'dist/bench/large-query.js'), path.join(phases, 'query-tampered-config.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
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
});
