/**
 * Snapshots and the log through chunked I/O (src/log/file-io.ts) with the
 * chunk limit lowered to a few KiB, so a small store takes the paths a
 * column over 2 GiB takes: every read and write call stays at the limit, the
 * files read back byte-identical, and an engine round trip answers the same.
 * And a failing snapshot write keeps its real cause.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../src/index.js';
import { generate } from '../../src/gen/index.js';
import { DEFAULT_IO_CHUNK_BYTES, setIoChunkBytes } from '../../src/log/file-io.js';
import { readManifest } from '../../src/snapshot/manifest.js';
import { loadSharedFile } from '../../src/snapshot/map-file.js';
import { snapshotFiles } from '../../src/snapshot/write-snapshot.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-chunked-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  setIoChunkBytes(DEFAULT_IO_CHUNK_BYTES);
  vi.restoreAllMocks();
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

const ASOF = '2026-11-30T23:59:59+08:00';
const QUERIES = [
  '<segment><bought category="shoes" last="180d"/></segment>',
  '<segment><bought last="365d" minCount="3" minAmount="500"/></segment>',
  '<segment><tag name="vip"/><attr name="city"><value>Xiamen</value><value>Shanghai</value></attr></segment>',
  '<segment><not><tag name="newsletter"/></not></segment>',
];
async function answers(engine: Engine): Promise<string[][]> {
  const out: string[][] = [];
  for (const q of QUERIES) out.push([...(await engine.query(q, { asOf: ASOF, tz: 'Asia/Shanghai' })).idsSync()].sort());
  return out;
}

const LIMIT = 4096;
const maxLength = (spy: { mock: { calls: unknown[][] } }) => Math.max(0, ...spy.mock.calls.map((c) => (typeof c[3] === 'number' ? c[3] : 0)));

describe('store files in chunks (limit lowered to 4 KiB)', () => {
  it('open, append, snapshot, reopen: the same answers, and no read or write call over the limit', async () => {
    const dir = tmp();
    setIoChunkBytes(LIMIT);
    const writeSync = vi.spyOn(fs, 'writeSync');
    const write = vi.spyOn(fs, 'write');
    const records = [...generate({ orders: 2500, seed: 11 })];
    const engine = await Engine.open({ dir, shards: 2, durability: 'fsync' });
    for (let i = 0; i < records.length; i += 1000) await engine.append(records.slice(i, i + 1000)); // log frames over 4 KiB
    const before = await answers(engine);
    await engine.snapshot();
    await engine.append(records.slice(0, 50)); // duplicates after the snapshot: in the log again
    const after = await answers(engine);
    await engine.close();
    expect(maxLength(writeSync)).toBeLessThanOrEqual(LIMIT);
    expect(maxLength(write)).toBeLessThanOrEqual(LIMIT);

    const manifest = readManifest(dir)!;
    const big = manifest.files.filter((f) => f.bytes > 4 * LIMIT);
    expect(big.length).toBeGreaterThan(0); // the chunking was exercised on every shard's columns
    // read back without the mapper, in chunks: byte-identical to what the manifest recorded
    const readSync = vi.spyOn(fs, 'readSync');
    const snap = path.join(dir, 'snapshots', manifest.snapshot);
    for (const f of manifest.files) {
      const bytes = loadSharedFile(path.join(snap, f.name), { map: false });
      expect(bytes.length).toBe(f.bytes);
      expect(zlib.crc32(bytes)).toBe(f.crc32);
    }
    expect(maxLength(readSync)).toBeLessThanOrEqual(LIMIT);

    const again = await Engine.open({ dir });
    expect(await answers(again)).toEqual(after);
    await again.close();
    expect(after.length).toBe(before.length);
  });

  it('the snapshot files are byte-identical whatever the chunk limit', async () => {
    const build = async (limit: number) => {
      setIoChunkBytes(limit);
      const dir = tmp();
      const engine = await Engine.open({ dir, shards: 2, durability: 'none' });
      await engine.append([...generate({ orders: 1200, seed: 3 })]);
      await engine.snapshot();
      await engine.close();
      const m = readManifest(dir)!;
      return m.files.map((f) => [f.name.replace(/^.*\//, ''), fs.readFileSync(path.join(dir, 'snapshots', m.snapshot, f.name)).toString('base64')]);
    };
    const small = await build(13);
    const normal = await build(DEFAULT_IO_CHUNK_BYTES);
    expect(small).toEqual(normal);
  });
});

describe('a snapshot write that fails', () => {
  async function failWith(error: Error) {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 2, durability: 'none' });
    await engine.append([...generate({ orders: 300, seed: 2 })]);
    const real = snapshotFiles.write;
    snapshotFiles.write = (file, bytes) => {
      if (/lines\.arrow$/.test(file)) throw error;
      real(file, bytes);
    };
    try {
      return await engine.snapshot().then(() => undefined, (e: unknown) => e as Error & { code: string; hint?: string; cause?: unknown });
    } finally {
      snapshotFiles.write = real;
      await engine.close();
    }
  }

  it('with a RangeError (one write over 2 GiB) is E_INTERNAL with that message and cause, not blamed on the disk', async () => {
    const cause = Object.assign(new RangeError('The value of "length" is out of range. It must be >= 0 && <= 2147483647. Received 2400127826'),
      { code: 'ERR_OUT_OF_RANGE' });
    const e = await failWith(cause);
    expect(e).toMatchObject({ code: 'E_INTERNAL', cause });
    expect(e!.message).toContain('Received 2400127826');
    expect(e!.message).not.toMatch(/free disk space/);
    expect(e!.hint).toMatch(/nothing was lost/);
  });

  it('with ENOSPC is E_IO asking for disk space, with the cause', async () => {
    const cause = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    const e = await failWith(cause);
    expect(e).toMatchObject({ code: 'E_IO', cause });
    expect(e!.message).toContain('ENOSPC: no space left on device');
    expect(e!.hint).toMatch(/free disk space/);
  });

  it('with EACCES is E_IO about permissions, not disk space', async () => {
    const e = await failWith(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', syscall: 'open' }));
    expect(e).toMatchObject({ code: 'E_IO' });
    expect(e!.hint).toMatch(/permission/);
    expect(e!.hint).not.toMatch(/disk space/);
  });
});
