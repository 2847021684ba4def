/**
 * src/log/file-io.ts: store-file reads and writes in chunks (Node refuses one
 * read or write call of 2 GiB or more), short reads and writes, and errors
 * that keep their real cause and are not blamed on the disk when they are not
 * disk problems. The chunk limit is lowered to a few bytes so that small files
 * take the same paths a 2 GiB column does.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkBufferBytes, crc32Chunked, DEFAULT_IO_CHUNK_BYTES, fileOps, ioChunkBytes, readWholeFile, setIoChunkBytes, writeAll,
  writeAllSync, writeFileSynced,
} from '../../src/log/file-io.js';
import { AppendLog } from '../../src/log/append-log.js';
import { fail, ShandianError } from '../../src/model/errors.js';
import type { EngineRecord } from '../../src/model/records.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-fileio-'));
  dirs.push(d);
  return d;
}
const realOps = { ...fileOps };
afterEach(() => {
  setIoChunkBytes(DEFAULT_IO_CHUNK_BYTES);
  Object.assign(fileOps, realOps);
  vi.restoreAllMocks();
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

describe('chunked whole-file I/O', () => {
  it('writes and reads back byte-identical in calls of at most the chunk limit', () => {
    const file = path.join(tmp(), 'f.bin');
    const bytes = crypto.randomBytes(10_007);
    setIoChunkBytes(97);
    const writes = vi.spyOn(fs, 'writeSync');
    const reads = vi.spyOn(fs, 'readSync');
    writeFileSynced(file, bytes);
    const back = readWholeFile(file);
    expect(Buffer.compare(back, bytes)).toBe(0);
    const lengths = (calls: unknown[][]) => calls.map((c) => c[3] as number);
    expect(Math.max(...lengths(writes.mock.calls))).toBeLessThanOrEqual(97);
    expect(Math.max(...lengths(reads.mock.calls))).toBeLessThanOrEqual(97);
    expect(writes.mock.calls.length).toBe(Math.ceil(10_007 / 97));
    vi.restoreAllMocks();
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('goes on after short writes and short reads until every byte moved', () => {
    const file = path.join(tmp(), 'f.bin');
    const bytes = crypto.randomBytes(5_000);
    setIoChunkBytes(1024);
    fileOps.writeSync = (fd, b, off, len, pos) => realOps.writeSync(fd, b, off, Math.min(len, 3), pos); // the kernel wrote less
    fileOps.readSync = (fd, b, off, len, pos) => realOps.readSync(fd, b, off, Math.min(len, 5), pos);
    writeFileSynced(file, bytes);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(readWholeFile(file).equals(bytes)).toBe(true);
    // into shared memory, as snapshot files are read without the native mapper
    const shared = readWholeFile(file, (size) => Buffer.from(new SharedArrayBuffer(size), 0, size));
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.equals(bytes)).toBe(true);
  });

  it('a write that moves nothing is an error, not an endless loop', () => {
    const file = path.join(tmp(), 'f.bin');
    fileOps.writeSync = () => 0;
    expect(() => writeFileSynced(file, Buffer.from('abc'))).toThrow(/moved no bytes/);
  });

  it('a file that ends before its size was read is E_CORRUPT', () => {
    const file = path.join(tmp(), 'f.bin');
    fs.writeFileSync(file, crypto.randomBytes(100));
    let calls = 0;
    fileOps.readSync = (fd, b, off, len, pos) => (calls++ === 0 ? realOps.readSync(fd, b, off, Math.min(len, 40), pos) : 0);
    expect(() => readWholeFile(file)).toThrow(expect.objectContaining({ code: 'E_CORRUPT' }));
  });

  it('the async loop (the log\'s) writes in chunks of at most the limit', async () => {
    const file = path.join(tmp(), 'f.bin');
    const bytes = crypto.randomBytes(3_001);
    setIoChunkBytes(64);
    const fd = fs.openSync(file, 'w');
    const seen: number[] = [];
    await writeAll(async (f, b, off, len) => {
      seen.push(len);
      return fs.writeSync(f, b, off, Math.min(len, 50)); // and short
    }, fd, bytes);
    fs.closeSync(fd);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(Math.max(...seen)).toBeLessThanOrEqual(64);
  });

  it('CRC-32 in chunks equals zlib over the whole', () => {
    const bytes = crypto.randomBytes(50_000);
    setIoChunkBytes(333);
    expect(crc32Chunked(bytes)).toBe(zlib.crc32(bytes));
    expect(crc32Chunked(new Uint8Array(0))).toBe(0);
  });

  it('the limit is 1 GiB by default and refuses nonsense', () => {
    expect(ioChunkBytes()).toBe(2 ** 30);
    expect(() => setIoChunkBytes(0)).toThrow(ShandianError);
    expect(() => setIoChunkBytes(2 ** 31)).toThrow(ShandianError);
  });

  it('a file over what one buffer holds is refused as too big for one shard, not blamed on the disk', () => {
    expect(() => checkBufferBytes(2 ** 32 + 1, '/s/shard-0-lines.arrow')).toThrow(expect.objectContaining({
      code: 'E_INTERNAL', message: expect.stringMatching(/not a disk problem.*more shards/),
    }));
    expect(() => checkBufferBytes(2 ** 31 + 1, '/s/f')).not.toThrow(); // over 2 GiB is fine
  });
});

describe('fail.io', () => {
  const ioFailure = fail.io;
  const errno = (code: string, message: string) => Object.assign(new Error(`${code}: ${message}`), { code, syscall: 'write' });

  it('keeps the cause and asks for disk space only when the disk is full', () => {
    const cause = errno('ENOSPC', 'no space left on device, write');
    const e = ioFailure(cause, 'writing a snapshot failed', { file: '/s' }, 'nothing was lost');
    expect(e.code).toBe('E_IO');
    expect(e.cause).toBe(cause);
    expect(e.message).toContain('ENOSPC: no space left on device');
    expect(e.hint).toMatch(/^nothing was lost; .*free disk space/);
  });

  it('says permissions for EACCES, and never blames disk space for it', () => {
    const e = ioFailure(errno('EACCES', 'permission denied, open \'/s/x\''), 'writing a snapshot failed', { file: '/s' }, 'nothing was lost');
    expect(e.code).toBe('E_IO');
    expect(e.hint).toMatch(/permission/);
    expect(e.hint).not.toMatch(/disk space/);
  });

  it('a RangeError (Node\'s 2 GiB limit on one write) is an internal error with its message, not a disk problem', () => {
    const cause = Object.assign(new RangeError('The value of "length" is out of range. It must be >= 0 && <= 2147483647. Received 2400127826'),
      { code: 'ERR_OUT_OF_RANGE' });
    const e = ioFailure(cause, 'writing a snapshot failed', { file: '/s' }, 'nothing was lost');
    expect(e.code).toBe('E_INTERNAL');
    expect(e.cause).toBe(cause);
    expect(e.message).toContain('RangeError: The value of "length" is out of range');
    expect(e.message).toContain('ERR_OUT_OF_RANGE');
    expect(e.message).not.toMatch(/disk space/);
  });

  it('passes a ShandianError through unchanged', () => {
    const inner = new ShandianError('E_CORRUPT', 'bad');
    expect(ioFailure(inner, 'x', {}, 'y')).toBe(inner);
  });
});

describe('the log through chunked I/O', () => {
  const batch = (i: number): EngineRecord[] => [
    { type: 'tag', customerId: `c${i}`, tag: 'vip', op: 'add' },
    { type: 'customer', customerId: `c${i}`, attrs: { city: '厦门'.repeat(i + 1), n: i, gone: null } },
  ];

  it('writes frames in chunks of the limit (and short writes), reads them back in chunks, the same records', async () => {
    const dir = tmp();
    setIoChunkBytes(7);
    const { log } = AppendLog.open(dir, 'fsync', () => {});
    const lengths: number[] = [];
    const real = log.files;
    log.files = { ...real, write: (fd, b, off, len) => (lengths.push(len), real.write(fd, b, off, Math.min(len, 5))) };
    for (let i = 0; i < 20; i++) await log.appendBatches([batch(i), batch(i + 100)]);
    log.close();
    expect(Math.max(...lengths)).toBeLessThanOrEqual(7);
    const reads = vi.spyOn(fs, 'readSync');
    const seen: EngineRecord[][] = [];
    AppendLog.open(dir, 'none', (r) => seen.push(r), { readOnly: true }).log.close();
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => [batch(i), batch(i + 100)]).flat());
    expect(Math.max(...reads.mock.calls.map((c) => c[3] as number))).toBeLessThanOrEqual(7);
  });

  it('an EACCES writing the log is E_IO that says permissions and keeps its cause', async () => {
    const dir = tmp();
    const { log } = AppendLog.open(dir, 'fsync', () => {});
    const cause = Object.assign(new Error('EACCES: permission denied, write'), { code: 'EACCES' });
    log.files = { ...log.files, write: async () => { throw cause; } };
    const e = await log.appendBatches([batch(1)]).catch((x: unknown) => x as ShandianError);
    log.close();
    expect(e).toBeInstanceOf(ShandianError);
    expect(e).toMatchObject({ code: 'E_IO', cause });
    expect(e.hint).toMatch(/permission/);
    expect(e.message).toContain('EACCES: permission denied');
  });
});
