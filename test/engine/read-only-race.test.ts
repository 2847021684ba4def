import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { readOnlyOpenSeams } from '../../src/engine/load-store.js';
import { ROOT } from '../cli/helpers.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-race-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  delete readOnlyOpenSeams.afterSnapshot;
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

let seq = 0;
const orders = (n: number) => Array.from({ length: n }, () => {
  const id = `o${seq++}`;
  return { type: 'order', order_id: id, customer_id: `c${seq % 97}`, ts: '2026-11-20T10:00:00+08:00', shop: 'jd', status: 'paid',
    lines: [{ sku: `SKU-${seq % 13}`, category: 'shoes', quantity: 1, amount: '10.00' }] };
});

/** The writer's snapshot, run synchronously at a chosen moment of a reader's open. */
const snapshotNow = (engine: Engine) => (engine as unknown as { snapshotNow(): unknown }).snapshotNow();

describe('a read-only open while a writer snapshots', () => {
  it('retries on the new manifest when the log it listed is removed between reading the manifest and replaying (no snapshot yet)', async () => {
    const dir = tmp();
    const writer = await Engine.open({ dir, shards: 2, durability: 'none' });
    await writer.append(orders(50));
    let calls = 0;
    readOnlyOpenSeams.afterSnapshot = () => {
      if (calls++ === 0) snapshotNow(writer); // log/00000001.log goes, under the reader
    };
    const reader = await Engine.open({ dir, readOnly: true });
    expect(calls).toBe(2);
    expect(reader.size.orders).toBe(50); // not 0: the first attempt saw no manifest and (then) no log
    await reader.close();
    await writer.close();
  });

  it('retries when the snapshot it was loading is replaced and removed, and the log after it too', async () => {
    const dir = tmp();
    const writer = await Engine.open({ dir, shards: 2, durability: 'none' });
    await writer.append(orders(40));
    await writer.snapshot();
    await writer.append(orders(10)); // log/00000002.log
    let calls = 0;
    readOnlyOpenSeams.afterSnapshot = () => {
      if (calls++ === 0) snapshotNow(writer); // the snapshot just loaded and 00000002.log are removed
    };
    const reader = await Engine.open({ dir, readOnly: true });
    expect(calls).toBe(2);
    expect(reader.size.orders).toBe(50);
    await reader.close();
    await writer.close();
  });

  it('a failure with the manifest unchanged is reported as it is (no endless retry)', async () => {
    const dir = tmp();
    const writer = await Engine.open({ dir, shards: 1, durability: 'none' });
    await writer.append(orders(5));
    await writer.close();
    let calls = 0;
    readOnlyOpenSeams.afterSnapshot = () => {
      calls++;
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' });
    };
    await expect(Engine.open({ dir, readOnly: true })).rejects.toMatchObject({ code: 'EIO' });
    expect(calls).toBe(1);
  });

  it('readers never fail and never go back while another process appends and snapshots in a loop (runs dist/: build first)', async () => {
    const dir = tmp();
    const seed = await Engine.open({ dir, shards: 2, durability: 'none' });
    await seed.append(orders(20));
    await seed.close();
    // the writer: a separate process (as shandian ingest would be), appending 20 orders and snapshotting, again and again
    const script = `
      const { Engine } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/src/index.js')).href)});
      const engine = await Engine.open({ dir: ${JSON.stringify(dir)}, durability: 'none', threads: 1 });
      let k = 0, snapshots = 0;
      const stopAt = Date.now() + 6000;
      process.stdout.write('ready\\n');
      while (Date.now() < stopAt) {
        const batch = [];
        for (let i = 0; i < 20; i++, k++) batch.push({ type: 'order', order_id: 'w' + k, customer_id: 'c' + (k % 97), ts: '2026-11-20T10:00:00+08:00', shop: 'jd', status: 'paid', lines: [{ sku: 'SKU-' + (k % 13), category: 'shoes', quantity: 1, amount: '10.00' }] });
        await engine.append(batch);
        await engine.snapshot();
        snapshots++;
      }
      await engine.close();
      process.stdout.write(snapshots + '\\n');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    while (!out.includes('ready') && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    const failures: string[] = [];
    let last = 0, opens = 0;
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      try {
        const reader = await Engine.open({ dir, readOnly: true, threads: 1 });
        const n = reader.size.orders;
        if (n % 20 !== 0 || n < last) failures.push(`${n} orders after ${last}`);
        last = n;
        await reader.close();
      } catch (e) {
        failures.push(String(e));
      }
      opens++;
      await new Promise((resolve) => setImmediate(resolve)); // let the child's exit be seen
    }
    expect(await exited).toBe(0);
    const snapshots = Number(out.trim().split('\n').pop());
    console.log(`read-only race: ${opens} read-only opens during ${snapshots} snapshots of a writer process; failures: ${failures.length}`);
    expect(failures).toEqual([]);
    expect(snapshots).toBeGreaterThan(10);
    expect(opens).toBeGreaterThan(20);
  }, 60_000);
});
