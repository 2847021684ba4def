import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../src/index.js';
import { generate } from '../../src/gen/index.js';
import { readManifest } from '../../src/snapshot/manifest.js';
import { snapshotFiles } from '../../src/snapshot/write-snapshot.js';
import { StoreLock } from '../../src/log/lock.js';
import { run } from '../cli/helpers.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-safety-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const ORDER = (id: string) => ({ type: 'order', order_id: id, customer_id: `c-${id}`, ts: '2026-11-20T10:00:00+08:00', shop: 'jd', status: 'paid',
  lines: [{ sku: 'SKU-1', category: 'shoes', quantity: 1, amount: '10.00' }] });

/** A store with a snapshot holding `orders` generated orders and no log after it. */
async function snapshotted(dir: string, orders = 400): Promise<number> {
  const engine = await Engine.open({ dir, shards: 2, durability: 'none' });
  await engine.append([...generate({ orders, seed: 3 })]);
  await engine.snapshot();
  const n = engine.size.orders;
  await engine.close();
  return n;
}

const listing = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).sort();

describe('a store whose MANIFEST is missing', () => {
  it('is E_CORRUPT on every open (writer, read-only, verify, compact, ingest), naming the snapshot, and nothing is deleted', async () => {
    const dir = tmp();
    expect(await snapshotted(dir)).toBeGreaterThan(0);
    fs.rmSync(path.join(dir, 'MANIFEST'));
    const before = listing(dir);
    await expect(Engine.open({ dir })).rejects.toMatchObject({ code: 'E_CORRUPT', where: { file: expect.stringContaining(`${path.sep}snapshots${path.sep}`) } });
    await expect(Engine.open({ dir, readOnly: true })).rejects.toMatchObject({ code: 'E_CORRUPT' });
    const verify = await run(['verify', '--data', dir]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/E_CORRUPT: .*snapshots.*MANIFEST is missing.*restore/);
    expect(verify.stdout).not.toMatch(/^ok/);
    const compact = await run(['compact', '--data', dir]);
    expect(compact.code).toBe(1);
    expect(compact.stderr).toMatch(/E_CORRUPT/);
    expect(listing(dir)).toEqual(before); // the snapshot holding the data is still there
    // and the lock was released: restoring the manifest brings everything back
    expect(fs.existsSync(path.join(dir, 'LOCK'))).toBe(false);
  });

  it('the same store with its MANIFEST restored opens with all its data (the refusal lost nothing)', async () => {
    const dir = tmp();
    const orders = await snapshotted(dir);
    const saved = fs.readFileSync(path.join(dir, 'MANIFEST'));
    fs.rmSync(path.join(dir, 'MANIFEST'));
    await expect(Engine.open({ dir })).rejects.toMatchObject({ code: 'E_CORRUPT' });
    fs.writeFileSync(path.join(dir, 'MANIFEST'), saved);
    const engine = await Engine.open({ dir });
    expect(engine.size.orders).toBe(orders);
    await engine.close();
  });

  it('log segments that start after 00000001.log without a MANIFEST are E_CORRUPT (their start was covered by a lost snapshot)', async () => {
    const dir = tmp();
    await snapshotted(dir);
    const engine = await Engine.open({ dir, durability: 'none' });
    await engine.append(ORDER('after-1'));
    await engine.close();
    const snapshots = path.join(dir, 'snapshots');
    fs.rmSync(path.join(dir, 'MANIFEST'));
    fs.rmSync(snapshots, { recursive: true }); // say the snapshot went too: the log alone must not open as the store
    expect(fs.readdirSync(path.join(dir, 'log'))).toEqual(['00000002.log']);
    await expect(Engine.open({ dir })).rejects.toMatchObject({ code: 'E_CORRUPT', where: { file: expect.stringMatching(/00000001\.log$/) } });
    await expect(Engine.open({ dir, readOnly: true })).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });

  it('a segment missing between the manifest and the last segment is E_CORRUPT, not skipped', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 1, durability: 'none' });
    await engine.append(ORDER('a'));
    engine['log']!.startNewSegment();
    await engine.append(ORDER('b'));
    engine['log']!.startNewSegment();
    await engine.append(ORDER('c'));
    await engine.close();
    expect(fs.readdirSync(path.join(dir, 'log'))).toEqual(['00000001.log', '00000002.log', '00000003.log']);
    fs.rmSync(path.join(dir, 'log', '00000002.log'));
    await expect(Engine.open({ dir, readOnly: true })).rejects.toMatchObject({ code: 'E_CORRUPT', where: { file: expect.stringMatching(/00000002\.log$/) } });
  });

  it('a fresh store (meta and a log, never snapshotted) still opens; a store with data but no meta.json does not', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 2, durability: 'none' });
    await engine.append(ORDER('x'));
    await engine.close();
    expect(fs.existsSync(path.join(dir, 'MANIFEST'))).toBe(false);
    const again = await Engine.open({ dir, readOnly: true });
    expect(again.size.orders).toBe(1);
    await again.close();
    fs.rmSync(path.join(dir, 'meta.json'));
    await expect(Engine.open({ dir })).rejects.toMatchObject({ code: 'E_CORRUPT', where: { file: expect.stringMatching(/meta\.json$/) } });
    expect(fs.existsSync(path.join(dir, 'meta.json'))).toBe(false);
  });

  it('an interrupted first snapshot (a .partial directory) does not make a store unopenable, and the next snapshot removes it', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 2, durability: 'none' });
    await engine.append(ORDER('x'));
    const real = snapshotFiles.write;
    let n = 0;
    snapshotFiles.write = (file, bytes) => {
      if (n++ === 2) {
        // the process "dies" here: keep the partial directory as a crash would
        const partial = path.dirname(file);
        fs.cpSync(partial, `${partial}-copy`, { recursive: true });
        throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      }
      real(file, bytes);
    };
    try {
      await expect(engine.snapshot()).rejects.toMatchObject({ code: 'E_IO' });
    } finally {
      snapshotFiles.write = real;
    }
    await engine.close();
    const root = path.join(dir, 'snapshots');
    const [copy] = fs.readdirSync(root);
    fs.renameSync(path.join(root, copy!), path.join(root, copy!.replace(/-copy$/, '')));
    expect(fs.readdirSync(root)[0]).toMatch(/\.partial$/);
    const reopened = await Engine.open({ dir });
    expect(reopened.size.orders).toBe(1);
    await reopened.snapshot();
    expect(fs.readdirSync(root)).toEqual([readManifest(dir)!.snapshot]);
    await reopened.close();
  });
});

describe('what a snapshot removes', () => {
  it('only the snapshot the manifest supersedes and .partial leftovers: never an unknown directory or file', async () => {
    const dir = tmp();
    await snapshotted(dir);
    const root = path.join(dir, 'snapshots');
    const first = readManifest(dir)!.snapshot;
    fs.mkdirSync(path.join(root, 'mine-keep'));
    fs.writeFileSync(path.join(root, 'notes.txt'), 'hello');
    fs.mkdirSync(path.join(root, 'zzzz-1.partial'));
    const engine = await Engine.open({ dir });
    await engine.append(ORDER('y'));
    await engine.snapshot();
    const manifest = readManifest(dir)!;
    expect(manifest.superseded).toEqual([first]);
    expect(fs.readdirSync(root).sort()).toEqual([manifest.snapshot, 'mine-keep', 'notes.txt'].sort());
    await engine.close();
  });

  it('two snapshots within one millisecond get different directories (the current one is never written into or removed)', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 1, durability: 'none' });
    await engine.append(ORDER('z'));
    const realNow = Date.now;
    Date.now = () => 1_800_000_000_000;
    try {
      const a = await engine.snapshot();
      const b = await engine.snapshot();
      expect(a!.snapshot).not.toBe(b!.snapshot);
    } finally {
      Date.now = realNow;
    }
    await engine.close();
    const again = await Engine.open({ dir, readOnly: true });
    expect(again.size.orders).toBe(1);
    await again.close();
  });

  it('log segments are removed only below the nextLogSegment of the manifest just written', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 1, durability: 'none' });
    await engine.append(ORDER('1'));
    const log = engine['log']!;
    // a caller asking for more than the manifest covers removes only what it covers
    log.startNewSegment();
    await engine.append(ORDER('2'));
    log.dropSegmentsCoveredBy({ nextLogSegment: 99 });
    expect(fs.readdirSync(path.join(dir, 'log'))).toEqual(['00000002.log']);
    await engine.close();
  });
});

describe('the store lock', () => {
  const startOf = (pid: number) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  };

  it.skipIf(!fs.existsSync('/proc/self/stat'))('a stale lock taken over by another process between reading and removing it is not removed (E_LOCKED)', async () => {
    const dir = tmp();
    const file = path.join(dir, 'LOCK');
    fs.writeFileSync(file, '999999999\n1\n'); // a dead owner: stale
    const live = `${process.ppid}\n${startOf(process.ppid)}\n`; // a live process, not this one
    const real = fs.readFileSync;
    let reads = 0;
    const spy = vi.spyOn(fs, 'readFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, o?: unknown) => {
      if (p === file && reads++ === 0) {
        const stale = real(p, o as BufferEncoding);
        fs.writeFileSync(file, live); // another process takes the stale lock over right after this read
        return stale;
      }
      return real(p, o as BufferEncoding);
    }) as typeof fs.readFileSync);
    try {
      expect(() => StoreLock.acquire(dir)).toThrow(expect.objectContaining({ code: 'E_LOCKED' }));
    } finally {
      spy.mockRestore();
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(live); // the other process's lock is still there
  });

  it('a lock released between the failed create and reading it is simply retried', () => {
    const dir = tmp();
    const file = path.join(dir, 'LOCK');
    fs.writeFileSync(file, '999999999\n1\n');
    const real = fs.readFileSync;
    const spy = vi.spyOn(fs, 'readFileSync').mockImplementationOnce(((p: fs.PathOrFileDescriptor, o?: unknown) => {
      if (p === file) fs.rmSync(file); // the owner releases it right now
      return real(p, o as BufferEncoding);
    }) as typeof fs.readFileSync);
    try {
      const lock = StoreLock.acquire(dir);
      lock.release();
    } finally {
      spy.mockRestore();
    }
  });
});
