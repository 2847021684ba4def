/**
 * Issue 13 (hardening) for the command line: closed pipes, help examples,
 * --tz on existing stores, bad --data/--out paths, unreadable query files,
 * ingest from standard input, and the top-level error handler.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanTmp, ensureBuilt, lines, ndjson, ROOT, run, tmpDir, within } from './helpers.js';

afterAll(cleanTmp);
beforeAll(() => {
  ensureBuilt();
});

const EVERYONE = '<segment><attr name="city" eq="X"/></segment>';

/** Runs the binary with stdout a pipe that this side closes after `keepLines` lines (0: at once). */
function runClosingStdout(argv: string[], keepLines: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (keepLines === 0) child.stdout.destroy();
    else {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (lines(stdout).length >= keepLines) child.stdout.destroy();
      });
    }
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('a closed stdout pipe (| head -1)', () => {
  let store: string;
  beforeAll(async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'customers.ndjson');
    // 30,000 ids are far more than a pipe buffer holds: the writer meets the closed pipe
    fs.writeFileSync(file, ndjson(Array.from({ length: 30_000 }, (_, i) => ({ type: 'customer', customer_id: `c${String(i).padStart(6, '0')}`, attrs: { city: 'X' } }))));
    store = path.join(dir, 'store');
    const r = await run(['ingest', '--data', store, file]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  for (const format of ['ids', 'ndjson']) {
    it(`query --format ${format} exits 0 without a word when the reader stops after one line`, async () => {
      const r = await within(30_000, runClosingStdout(['query', '--data', store, '--expr', EVERYONE, '--format', format], 1));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('c000000');
    });
  }

  for (const argv of [['explain'], ['explain', '--json'], ['query'], ['query', '--format', 'ids']]) {
    it(`${argv.join(' ')} exits 0 without a word when the reader has already gone`, async () => {
      const r = await within(30_000, runClosingStdout([...argv, '--data', store, '--expr', EVERYONE], 0));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  }
});

describe('help texts and summaries say what is true', () => {
  it('query, explain and save examples use the store the demo builds (demo-data/store)', async () => {
    const demo = fs.readFileSync(path.join(ROOT, 'bench/demo.ts'), 'utf8');
    expect(demo).toContain("'demo-data'");
    expect(demo).toContain("path.join(DATA_DIR, 'store')");
    for (const cmd of ['query', 'explain', 'save']) {
      const help = (await run([cmd, '--help'])).stdout;
      const examples = help.split('\n').filter((l) => /^\s+(echo .*\| )?shandian /.test(l));
      expect(examples.length, cmd).toBeGreaterThan(0);
      for (const l of examples) expect(l, `${cmd}: ${l}`).toMatch(/--data \.\/demo-data\/store /);
    }
  });

  it('--as-of takes epoch milliseconds, as its hint and the help say', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'o.ndjson');
    fs.writeFileSync(file, ndjson([
      { type: 'order', order_id: 'O1', customer_id: 'a', ts: '2026-11-11T10:00:00+08:00', shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'c', quantity: 1, amount: '1.00' }] },
      { type: 'order', order_id: 'O2', customer_id: 'b', ts: '2026-11-12T10:00:00+08:00', shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'c', quantity: 1, amount: '1.00' }] },
    ]));
    const store = path.join(dir, 'store');
    expect((await run(['ingest', '--data', store, file])).code).toBe(0);
    expect((await run(['query', '--help'])).stdout).toContain('epoch milliseconds');
    const ms = String(Date.parse('2026-11-12T00:00:00+08:00'));
    for (const cmd of ['query', 'explain']) {
      const byMs = await run([cmd, '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', ms]);
      expect(byMs.code, byMs.stderr).toBe(0);
      expect(byMs.stdout).toMatch(cmd === 'query' ? /^1\n$/ : /^count=1 .*asOf=2026-11-11T16:00:00.000Z/);
    }
    const bad = await run(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', '99999999999999999999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^shandian: E_BAD_ARGS: .*--as-of.*\(.+\)\n$/);
  });

  for (const ext of ['csv', 'ndjson', 'arrow']) {
    it(`gen --out .${ext} says how many orders, order lines and records the file holds`, async () => {
      const dir = tmpDir();
      const out = path.join(dir, `o.${ext}`);
      const r = await run(['gen', '--out', out, '--orders', '500', '--seed', '9']);
      expect(r.code, r.stderr).toBe(0);
      const num = (re: RegExp) => Number(re.exec(r.stderr)?.[1]?.replace(/,/g, ''));
      expect(num(/([\d,]+) orders/)).toBe(500);
      if (ext === 'csv') {
        const rows = lines(fs.readFileSync(out, 'utf8')).length - 1; // the header
        expect(num(/([\d,]+) rows, one per order line/)).toBe(rows);
      } else if (ext === 'ndjson') {
        const recs = lines(fs.readFileSync(out, 'utf8')).map((l) => JSON.parse(l) as { type: string; lines?: unknown[] });
        expect(num(/([\d,]+) records/)).toBe(recs.length);
        expect(num(/\(([\d,]+) order lines\)/)).toBe(recs.reduce((s, x) => s + (x.lines?.length ?? 0), 0));
        expect(num(/([\d,]+) customers/)).toBe(recs.filter((x) => x.type === 'customer').length);
      } else {
        expect(r.stderr).toMatch(/[\d,]+ rows, one per order line, of 500 orders/);
        expect(r.stderr).not.toMatch(/\d records/);
      }
    });
  }
});
