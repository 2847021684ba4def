import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppendLog } from '../../src/log/append-log.js';
import { FRAME_HEADER_BYTES } from '../../src/log/frame.js';
import type { EngineRecord } from '../../src/model/records.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-log-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const batch = (i: number): EngineRecord[] => [
  { type: 'tag', customerId: `c${i}`, tag: 'vip', op: 'add' },
  { type: 'customer', customerId: `c${i}`, attrs: { city: '厦门', n: i, gone: null } },
];

async function writeBatches(dir: string, n: number): Promise<void> {
  const { log } = AppendLog.open(dir, 'fsync', () => {});
  for (let i = 0; i < n; i++) await log.appendBatches([batch(i)]);
  log.close();
}

function replay(dir: string) {
  const seen: EngineRecord[][] = [];
  const { log, report } = AppendLog.open(dir, 'none', (r) => seen.push(r));
  log.close();
  return { seen, report };
}

const logFile = (dir: string) => path.join(dir, 'log', '00000001.log');

describe('AppendLog', () => {
  it('replays every batch in order, exactly', async () => {
    const dir = tmp();
    await writeBatches(dir, 5);
    const { seen, report } = replay(dir);
    expect(seen).toEqual([0, 1, 2, 3, 4].map(batch));
    expect(report).toMatchObject({ frames: 5, records: 10 });
    expect(report.tornTail).toBeUndefined();
  });

  it('drops a torn tail at every cut point and keeps the complete frames', async () => {
    const dir = tmp();
    await writeBatches(dir, 3);
    const full = fs.readFileSync(logFile(dir));
    const { seen: all } = replay(dir);
    // frame boundaries
    const sizes: number[] = [];
    let off = 0;
    while (off < full.length) {
      const len = full.readUInt32LE(off);
      sizes.push(FRAME_HEADER_BYTES + len);
      off += FRAME_HEADER_BYTES + len;
    }
    const lastStart = sizes[0]! + sizes[1]!;
    for (let cut = lastStart + 1; cut < full.length; cut++) {
      fs.writeFileSync(logFile(dir), full.subarray(0, cut));
      const { seen, report } = replay(dir);
      expect(seen).toEqual(all.slice(0, 2));
      expect(report.tornTail?.offset).toBe(lastStart);
      // the tail was cut off on disk, so the next append lands cleanly
      expect(fs.statSync(logFile(dir)).size).toBe(lastStart);
    }
  });

  it('refuses a flipped bit anywhere in a closed log with E_CORRUPT naming file and offset', async () => {
    const dir = tmp();
    await writeBatches(dir, 3);
    const full = fs.readFileSync(logFile(dir));
    const { seen: all } = replay(dir);
    for (let i = 0; i < full.length; i++) {
      const bad = Buffer.from(full);
      bad[i]! ^= 0x10;
      fs.writeFileSync(logFile(dir), bad);
      let result: ReturnType<typeof replay> | undefined;
      try {
        result = replay(dir);
      } catch (e) {
        expect((e as { code: string }).code).toBe('E_CORRUPT');
        expect((e as Error).message).toContain('00000001.log');
        continue;
      }
      // the only acceptable non-error outcome is the exact same data
      expect(result.seen).toEqual(all);
    }
  });

  it('appends after a reopen', async () => {
    const dir = tmp();
    await writeBatches(dir, 2);
    const { log } = AppendLog.open(dir, 'fsync', () => {});
    await log.appendBatches([batch(9)]);
    log.close();
    expect(replay(dir).seen).toEqual([batch(0), batch(1), batch(9)]);
  });

  it('read-only replay leaves a torn tail in place', async () => {
    const dir = tmp();
    await writeBatches(dir, 2);
    const full = fs.readFileSync(logFile(dir));
    fs.writeFileSync(logFile(dir), full.subarray(0, full.length - 3));
    const seen: EngineRecord[][] = [];
    const { report } = AppendLog.open(dir, 'none', (r) => seen.push(r), { readOnly: true });
    expect(seen).toEqual([batch(0)]);
    expect(report.tornTail).toBeDefined();
    expect(fs.statSync(logFile(dir)).size).toBe(full.length - 3);
  });

  it('writes a group of batches as one frame each, in one write', async () => {
    const dir = tmp();
    const { log } = AppendLog.open(dir, 'fsync', () => {});
    await log.appendBatches([batch(1), [], batch(2), batch(3)]);
    log.close();
    const { seen, report } = replay(dir);
    expect(seen).toEqual([batch(1), batch(2), batch(3)]);
    expect(report.frames).toBe(3);
  });

  for (const code of ['ENOSPC', 'EIO']) {
    for (const failing of ['write', 'datasync'] as const) {
      it(`a ${code} during ${failing} is E_IO, leaves no partial frame, and the log goes on`, async () => {
        const dir = tmp();
        const { log } = AppendLog.open(dir, 'fsync', () => {});
        await log.appendBatches([batch(1)]);
        const real = log.files;
        log.files = {
          ...real,
          [failing]: async (...args: Parameters<typeof real.write>) => {
            if (failing === 'write') await real.write(args[0], args[1], args[2], Math.max(1, args[3] >> 1)); // a short write first
            throw Object.assign(new Error(`${code}: injected`), { code });
          },
        };
        await expect(log.appendBatches([batch(2), batch(3)])).rejects.toMatchObject({ code: 'E_IO' });
        log.files = real;
        await log.appendBatches([batch(4)]);
        log.close();
        expect(replay(dir).seen).toEqual([batch(1), batch(4)]);
      });
    }
  }
});
