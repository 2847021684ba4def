/** Shared helpers for CLI tests (not a test file itself). */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'dist/src/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `main(argv, io)` in this process with fake streams. */
export async function run(argv: string[], stdin = ''): Promise<CliResult> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(argv, { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs the built binary in a child process. */
export function spawnCli(argv: string[], stdin?: string, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
  });
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function isStale(): boolean {
  return walk(path.join(ROOT, 'src')).some((src) => {
    const js = path.join(ROOT, 'dist', path.relative(ROOT, src)).replace(/\.ts$/, '.js');
    try {
      return fs.statSync(js).mtimeMs < fs.statSync(src).mtimeMs;
    } catch {
      return true;
    }
  });
}

/**
 * Builds dist/ with tsc when any src/*.ts is newer than its compiled .js (or
 * the .js is missing). Type errors do not stop the tests here: tsc still
 * emits, and the tests then judge the behaviour.
 */
export function ensureBuilt(): void {
  if (!isStale()) return;
  // one build at a time across test files (they run in parallel processes)
  const lock = path.join(os.tmpdir(), 'shandian-test-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 120_000) fs.rmSync(lock, { recursive: true, force: true }); // left by a killed run
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another test file to build dist/');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (isStale()) {
      try {
        execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], { stdio: 'pipe' });
      } catch (e) {
        if (!fs.existsSync(BIN)) throw e;
      }
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

const dirs: string[] = [];
export function tmpDir(prefix = 'shandian-cli-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function cleanTmp(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** `p`, or a rejection after `ms` (a hang fails fast instead of at the test timeout). */
export function within<T>(ms: number, p: Promise<T>, what = 'the command'): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms (hang)`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

export function sorted(text: string): string[] {
  return lines(text).sort();
}

export const order = (id: string, customer: string, ts: string | number, sku: string, amount: string | number = '10.00', extra: Record<string, unknown> = {}) => ({
  type: 'order', order_id: id, customer_id: customer, ts, shop: 'tmall', status: 'paid',
  lines: [{ sku, category: 'shoes', quantity: 1, amount }], ...extra,
});

export function ndjson(records: unknown[]): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}
