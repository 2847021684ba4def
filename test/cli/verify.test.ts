/**
 * shandian verify checks the live segments' change feed (DIR/feed/*.feed)
 * as it does the log: counts of what it read, a damaged or out-of-order
 * frame is E_CORRUPT naming the feed file, a torn last frame is reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Packr } from 'msgpackr';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { encodeFrame, FRAME_HEADER_BYTES } from '../../src/log/frame.js';
import { cleanTmp, ndjson, order, run, tmpDir } from './helpers.js';

afterAll(cleanTmp);

const VIP = '<segment><tag name="vip"/></segment>';
const packr = new Packr({ useRecords: false, mapsAsObjects: true });

/** A store with the live segment "vips" and three appends after its save; the changes engine.changes reads. */
async function liveStore(): Promise<{ dir: string; changes: number; lastSeq: number }> {
  const dir = tmpDir();
  const file = path.join(dir, 'data.ndjson');
  fs.writeFileSync(file, ndjson([
    order('T1', 'c1', '2026-11-01T10:00:00+08:00', 'A'),
    { type: 'tag', customer_id: 'c1', tag: 'vip', op: 'add' },
    { type: 'tag', customer_id: 'c2', tag: 'vip', op: 'add' },
  ]));
  const s = path.join(dir, 'store');
  expect((await run(['ingest', '--data', s, '--shards', '2', file])).code).toBe(0);
  const saved = await run(['save', '--data', s, '--name', 'vips', '--live', '--expr', VIP]);
  expect(saved.code, saved.stderr).toBe(0);
  const engine = await Engine.open({ dir: s, threads: 0 });
  await engine.append({ type: 'tag', customer_id: 'c1', tag: 'vip', op: 'remove' });
  await engine.append({ type: 'tag', customer_id: 'c3', tag: 'vip', op: 'add' });
  await engine.append([{ type: 'tag', customer_id: 'c4', tag: 'vip', op: 'add' }, { type: 'tag', customer_id: 'c5', tag: 'vip', op: 'add' }]);
  let changes = 0;
  let lastSeq = 0;
  for await (const c of engine.changes('vips')) {
    changes++;
    lastSeq = c.seq;
  }
  await engine.close();
  return { dir: s, changes, lastSeq };
}

function feedFiles(store: string): string[] {
  const d = path.join(store, 'feed');
  return fs.readdirSync(d).filter((f) => f.endsWith('.feed')).sort().map((f) => path.join(d, f));
}

/** Start offsets of the whole frames of a feed file, read from the frames' length fields. */
function frameOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  for (let pos = 0; pos + FRAME_HEADER_BYTES <= buf.length;) {
    const end = pos + FRAME_HEADER_BYTES + buf.readUInt32LE(pos);
    if (end > buf.length) break;
    out.push(pos);
    pos = end;
  }
  return out;
}

describe('shandian verify and the change feed', () => {
  it('prints the feed line with the frames, changes and last seq written', async () => {
    const { dir, changes, lastSeq } = await liveStore();
    const frames = feedFiles(dir).reduce((n, f) => n + frameOffsets(fs.readFileSync(f)).length, 0);
    expect(frames).toBeGreaterThanOrEqual(4); // the save and three appends
    expect(changes).toBe(6); // c1, c2 entered; c1 exited; c3, c4, c5 entered
    const r = await run(['verify', '--data', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`\nfeed: ${frames} frames, ${changes} changes, last seq ${lastSeq}\n`);
    expect(r.stdout).not.toContain('feed torn tail');
  });

  it('prints feed: none when the store has no feed directory', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'data.ndjson');
    fs.writeFileSync(file, ndjson([order('T1', 'c1', '2026-11-01T10:00:00+08:00', 'A')]));
    const s = path.join(dir, 'store');
    expect((await run(['ingest', '--data', s, file])).code).toBe(0);
    fs.rmSync(path.join(s, 'feed'), { recursive: true, force: true });
    const r = await run(['verify', '--data', s]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('\nfeed: none\n');
  });

  it('a byte flipped inside a frame before the last is E_CORRUPT naming the feed file and offset (exit 1)', async () => {
    const { dir } = await liveStore();
    const file = feedFiles(dir)[0]!;
    const buf = fs.readFileSync(file);
    const offsets = frameOffsets(buf);
    expect(offsets.length).toBeGreaterThanOrEqual(2);
    const at = offsets[1]!; // a frame with more after it: not a torn tail
    buf[at + FRAME_HEADER_BYTES + 2] ^= 0x10;
    fs.writeFileSync(file, buf);
    const r = await run(['verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^shandian: E_CORRUPT: /);
    expect(r.stderr).toContain(`${file} offset ${at}: frame payload checksum mismatch`);
    expect(r.stdout).toBe('');
  });

  it('a whole, checksummed frame whose seq does not follow is E_CORRUPT naming the feed file (exit 1)', async () => {
    const { dir } = await liveStore();
    const file = feedFiles(dir)[0]!;
    const buf = fs.readFileSync(file);
    const offsets = frameOffsets(buf);
    const at = offsets[2]!;
    const end = offsets[3] ?? buf.length;
    const frame = packr.unpack(buf.subarray(at + FRAME_HEADER_BYTES, end)) as { seq: number };
    const expected = frame.seq;
    frame.seq = expected + 1; // skips a change
    const rewritten = encodeFrame(packr.pack(frame));
    fs.writeFileSync(file, Buffer.concat([buf.subarray(0, at), rewritten, buf.subarray(end)]));
    const r = await run(['verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`E_CORRUPT: ${file} offset ${at}: feed frame starts at seq ${expected + 1}, expected ${expected}`);
  });

  it('a torn last frame is reported with its file, offset and bytes, not an error, and left in place', async () => {
    const { dir, changes, lastSeq } = await liveStore();
    const files = feedFiles(dir);
    const file = files[files.length - 1]!;
    const buf = fs.readFileSync(file);
    const offsets = frameOffsets(buf);
    const frames = offsets.length;
    const last = buf.subarray(offsets[offsets.length - 1]!);
    const torn = last.subarray(0, last.length - 3); // a copy of the last frame, cut short
    fs.writeFileSync(file, Buffer.concat([buf, torn]));
    const r = await run(['verify', '--data', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`\nfeed: ${frames} frames, ${changes} changes, last seq ${lastSeq}\n`);
    expect(r.stdout).toContain(`\nfeed torn tail: ${torn.length} bytes at ${file}:${buf.length} (`);
    expect(fs.statSync(file).size).toBe(buf.length + torn.length); // verify changes nothing
    // the engine exposes the same report
    const engine = await Engine.open({ dir, readOnly: true, threads: 0 });
    expect(engine.feedRecovery).toEqual({ frames, changes, lastSeq, tornTail: { file, offset: buf.length, bytes: torn.length } });
    await engine.close();
  });

  it('what the help says of a torn feed tail holds: the next writer drops it and records the difference again', async () => {
    const { dir, changes, lastSeq } = await liveStore();
    const files = feedFiles(dir);
    const file = files[files.length - 1]!;
    const buf = fs.readFileSync(file);
    const offsets = frameOffsets(buf);
    const lastAt = offsets[offsets.length - 1]!; // the append of c4 and c5, cut short
    fs.writeFileSync(file, buf.subarray(0, buf.length - 5));
    const r = await run(['verify', '--data', dir]);
    expect(r.stdout).toContain(`\nfeed: ${offsets.length - 1} frames, ${changes - 2} changes, last seq ${lastSeq - 2}\n`);
    expect(r.stdout).toContain(`\nfeed torn tail: ${buf.length - 5 - lastAt} bytes at ${file}:${lastAt} (`);
    const engine = await Engine.open({ dir, threads: 0 });
    expect(engine.feedRecovery?.tornTail).toEqual({ file, offset: lastAt, bytes: buf.length - 5 - lastAt });
    const entered: string[] = [];
    for await (const c of engine.changes('vips', { after: lastSeq - 2 })) entered.push(`${c.change} ${c.customer_id}`);
    await engine.close();
    expect(entered.sort()).toEqual(['entered c4', 'entered c5']);
    const again = await run(['verify', '--data', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('torn tail');
    expect(again.stdout).toMatch(new RegExp(`\\nfeed: \\d+ frames, ${changes} changes, last seq ${lastSeq}\\n`));
  });

  it('--help says the feed frames are checked and what a torn feed tail means', async () => {
    const help = (await run(['verify', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/every frame of the live segments' change feed \(DIR\/feed\/\*\.feed: the same checksums, and each frame's seq following/);
    expect(help).toMatch(/torn feed tail .* never acknowledged; the next writer drops the torn frame and, on open, records the difference again/);
  });
});
