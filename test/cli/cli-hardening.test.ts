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
