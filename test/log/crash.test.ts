import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const built = fs.existsSync(path.join(here, '../../dist/src/index.js'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-crash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until killed with SIGKILL `ms` after its first batch started; returns what it reported. */
function runAndKill(seed: number, ms: number): Promise<{ started: Map<number, number>; acked: Map<number, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'crash-writer.mjs'), dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const started = new Map<number, number>(), acked = new Map<number, number>();
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const [kind, batch, size] = out.slice(0, nl).split(' ');
        out = out.slice(nl + 1);
        (kind === 'ack' ? acked : started).set(Number(batch), Number(size));
        timer ??= setTimeout(() => child.kill('SIGKILL'), ms);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000); // never hang the suite
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (${code}): ${err}`));
      else resolve({ started, acked });
    });
  });
}

describe.runIf(built)('kill -9 of a writer', () => {
  it('loses no acknowledged batch, invents none, applies each batch whole, and reopens without help (12 trials)', async () => {
    const known = new Map<number, number>(); // batch -> size, for every batch that ever became durable
    for (let trial = 0; trial < 12; trial++) {
      const { started, acked } = await runAndKill(trial + 1, (trial * 37) % 250);
      const engine = await Engine.open({ dir });
      try {
        const batches = engine.size.customers; // one customer per batch, batches numbered densely
        for (const [b, size] of acked) known.set(b, size);
        const lastAcked = Math.max(-1, ...acked.keys(), ...known.keys());
        // every acknowledged batch is there; at most the one in flight beyond it
        expect(batches).toBeGreaterThanOrEqual(lastAcked + 1);
        expect(batches).toBeLessThanOrEqual(lastAcked + 2);
        if (batches === lastAcked + 2) known.set(lastAcked + 1, started.get(lastAcked + 1)!);
        // each present batch is whole: total orders equal the sum of their sizes
        let expectedOrders = 0;
        for (let b = 0; b < batches; b++) expectedOrders += known.get(b)!;
        expect(engine.size.orders).toBe(expectedOrders);
        const seg = await engine.query('<segment><bought sku="S3"/></segment>');
        expect(seg.count).toBe([...Array(batches).keys()].filter((b) => known.get(b)! > 3).length);
      } finally {
        await engine.close();
      }
    }
    // the kills landed while batches were being written, not before the first one
    expect(known.size).toBeGreaterThan(12);
  });
});
