import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { readManifest } from '../../src/snapshot/manifest.js';
import { run } from './helpers.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-repair-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const order = (id: string) => ({ type: 'order', order_id: id, customer_id: `c-${id}`, ts: '2026-11-20T10:00:00+08:00', shop: 'jd', status: 'paid',
  lines: [{ sku: 'SKU-1', category: 'shoes', quantity: 1, amount: '10.00' }] });

/** A store whose log holds one frame per batch: batches of `sizes` orders (ids b<k>-<i>). */
async function logStore(dir: string, sizes: number[]): Promise<void> {
  const engine = await Engine.open({ dir, shards: 1, durability: 'none' });
  for (const [k, n] of sizes.entries()) await engine.append(Array.from({ length: n }, (_, i) => order(`b${k}-${i}`)));
  await engine.close();
}

const SEGMENT = (dir: string) => path.join(dir, 'log', '00000001.log');

async function orderCount(dir: string): Promise<number> {
  const engine = await Engine.open({ dir, readOnly: true });
  const n = engine.size.orders;
  await engine.close();
  return n;
}

describe('repair', () => {
  it('a damaged frame header at offset 0: --yes removes that frame only and keeps the intact frames after it', async () => {
    const dir = tmp();
    await logStore(dir, [3, 4, 5]);
    const seg = SEGMENT(dir);
    const bytes = fs.readFileSync(seg);
    const firstFrame = 12 + bytes.readUInt32LE(0);
    bytes[1] ^= 0xff; // the first frame's length: its header checksum fails
    fs.writeFileSync(seg, bytes);
    await expect(Engine.open({ dir, readOnly: true })).rejects.toMatchObject({ code: 'E_CORRUPT' });

    const dry = await run(['repair', '--data', dir]);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain(`damaged: frame header checksum mismatch at ${seg}:0, ${firstFrame} bytes`);
    expect(dry.stdout).toContain('kept: 2 intact frame(s) (9 records) after the first damage');
    expect(dry.stdout).toContain('dry run: nothing changed');
    expect(fs.readFileSync(seg)).toEqual(bytes);

    const yes = await run(['repair', '--data', dir, '--yes']);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain(`repaired: removed ${firstFrame} damaged bytes; 2 intact frame(s) after the damage kept`);
    expect(await orderCount(dir)).toBe(9); // 4 + 5: only the 3 orders of the damaged frame are gone
    expect((await run(['repair', '--data', dir])).stdout).toMatch(/^nothing to repair/);
  });

  it('a damaged payload in the middle: only that frame goes; a later frame refunding an order of it is listed and removed too', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 1, durability: 'none' });
    await engine.append([order('a1'), order('a2')]);
    await engine.append([order('b1')]);
    await engine.append([{ type: 'refund', order_id: 'b1', ts: '2026-11-21T10:00:00+08:00' }]);
    await engine.append([order('c1'), order('c2'), order('c3')]);
    await engine.close();
    const seg = SEGMENT(dir);
    const bytes = fs.readFileSync(seg);
    const second = 12 + bytes.readUInt32LE(0);
    bytes[second + 12 + 2] ^= 0x55; // inside the second frame's payload
    fs.writeFileSync(seg, bytes);
    const dry = await run(['repair', '--data', dir]);
    expect(dry.stdout).toContain(`damaged: frame payload checksum mismatch at ${seg}:${second}`);
    expect(dry.stdout).toMatch(/depends on the damage: the frame at .*00000001\.log:\d+ \(\d+ bytes, 1 records\) no longer applies \(record 0: refund of unknown order_id "b1"\)/);
    expect(dry.stdout).toContain('kept: 1 intact frame(s) (3 records) after the first damage');
    expect((await run(['repair', '--data', dir, '--yes'])).code).toBe(0);
    expect(await orderCount(dir)).toBe(5); // a1 a2 c1 c2 c3
  });

  it('frames in later segment files are kept (never removed with the damaged file)', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 1, durability: 'none' });
    await engine.append([order('x1')]);
    await engine.append([order('x2')]);
    engine['log']!.startNewSegment();
    await engine.append([order('y1'), order('y2')]);
    await engine.close();
    const seg = SEGMENT(dir);
    const bytes = fs.readFileSync(seg);
    bytes[bytes.length - 1] ^= 0x01; // the last frame of a closed segment
    fs.writeFileSync(seg, bytes);
    expect((await run(['repair', '--data', dir, '--yes'])).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'log'))).toEqual(['00000001.log', '00000002.log']);
    expect(await orderCount(dir)).toBe(3);
  });

  it('a damaged snapshot file is reported (E_CORRUPT, the file, what to do), not "nothing to repair", and nothing changes', async () => {
    const dir = tmp();
    await logStore(dir, [5]);
    const engine = await Engine.open({ dir });
    await engine.snapshot();
    await engine.close();
    const manifest = readManifest(dir)!;
    const file = path.join(dir, 'snapshots', manifest.snapshot, 'catalog.json');
    const bytes = fs.readFileSync(file);
    bytes[2] ^= 0x20;
    fs.writeFileSync(file, bytes);
    await expect(Engine.open({ dir, readOnly: true })).rejects.toMatchObject({ code: 'E_CORRUPT' });
    for (const argv of [['repair', '--data', dir], ['repair', '--data', dir, '--yes']]) {
      const r = await run(argv);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`damaged snapshot file: ${file}: snapshot file checksum mismatch`);
      expect(r.stderr).toMatch(/E_CORRUPT: .*catalog\.json: 1 snapshot file\(s\) damaged.*restore the store from a backup, or re-ingest/);
      expect(r.stdout + r.stderr).not.toMatch(/nothing to repair/);
    }
    expect(fs.readFileSync(file)).toEqual(bytes);
  });

  it('a store without its MANIFEST is E_CORRUPT for repair too', async () => {
    const dir = tmp();
    await logStore(dir, [2]);
    const engine = await Engine.open({ dir });
    await engine.snapshot();
    await engine.close();
    fs.rmSync(path.join(dir, 'MANIFEST'));
    const r = await run(['repair', '--data', dir, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_CORRUPT: .*MANIFEST is missing/);
  });
});
