import fs from 'node:fs';
import path from 'node:path';
import { Packr } from 'msgpackr';
import { fsyncDir } from '../log/checked-json.js';
import { writeAll } from '../log/file-io.js';
import { checkFrame, encodeFrame } from '../log/frame.js';
import type { Durability, LogFiles } from '../log/append-log.js';
import { fail } from '../model/errors.js';
import { changeCount, type FeedFrame } from './feed-frame.js';

/** Roll to a new feed file past this size. */
const FEED_FILE_BYTES = 64 * 1024 * 1024;
const FEED_NAME = /^(\d{8})\.feed$/;
export const FEED_DIR = 'feed';

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

/**
 * The feed's file operations (the append log's seam, LogFiles). A frame is a
 * few kilobytes (one round's changes), so it is written synchronously: the
 * asynchronous write's trip through the thread pool cost about 1 ms a round
 * in `bench:live` at 10M lines, more than writing the bytes. The fdatasync
 * stays asynchronous (it waits for the disk).
 */
const nodeFiles: LogFiles = {
  write: (fd, bytes, offset, length) => {
    try {
      return Promise.resolve(fs.writeSync(fd, bytes, offset, length, null));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  },
  datasync: (fd) => new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
};

export interface FeedReplay {
  frames: number;
  changes: number;
  /** seq of the last change read (0: none) */
  lastSeq: number;
  /** a frame cut short at the end (a crash mid-write), cut off (or, read-only, ignored) */
  tornTail?: { file: string; offset: number; bytes: number };
}

/**
 * The change feed's files: `DIR/feed/00000001.feed`, ... holding checksummed
 * frames (the log's format) of msgpack-encoded FeedFrames, in seq order. The
 * feed is never compacted by snapshots (they cover the log, not the feed):
 * `changes()` can read it from seq 0 for as long as the store lives.
 * A frame is written with one write and one fdatasync (durability 'fsync'),
 * in the same commit round as the append that caused it, before that
 * append resolves.
 */
export class FeedLog {
  private fd: number | undefined;
  private file: number;
  private bytes: number;
  /** seq of the next change */
  nextSeq = 1;
  /** bytes written since open (the bench's write amplification) */
  written = 0;
  /** first seq of each file (to start reading at the right one) */
  private readonly firstSeq = new Map<number, number>();
  /** the file layer; tests swap it to inject ENOSPC or EIO */
  files: LogFiles = nodeFiles;
  private wake: { promise: Promise<void>; resolve: () => void } | undefined;

  private constructor(private readonly dir: string, private readonly durability: Durability, private readonly readOnly: boolean, file: number, bytes: number) {
    this.file = file;
    this.bytes = bytes;
  }

  /** Opens the feed, replaying every frame through `onFrame` in order. */
  static open(storeDir: string, durability: Durability, readOnly: boolean, onFrame: (frame: FeedFrame) => void): { feed: FeedLog; report: FeedReplay } {
    const dir = path.join(storeDir, FEED_DIR);
    const report: FeedReplay = { frames: 0, changes: 0, lastSeq: 0 };
    if (!fs.existsSync(dir)) {
      if (!readOnly) fs.mkdirSync(dir, { recursive: true });
      return { feed: new FeedLog(dir, durability, readOnly, 1, 0), report };
    }
    const files = listFeedFiles(dir);
    files.forEach((n, i) => {
      if (n !== files[0]! + i) throw fail.corruptFile(path.join(dir, feedName(files[0]! + i)), 'a feed file is missing: its changes would be skipped');
    });
    let nextSeq = 1;
    let lastBytes = 0;
    const feed = new FeedLog(dir, durability, readOnly, files.length ? files[files.length - 1]! : 1, 0);
    files.forEach((n, i) => {
      const file = path.join(dir, feedName(n));
      const buf = fs.readFileSync(file);
      const isLast = i === files.length - 1;
      let pos = 0;
      while (pos < buf.length) {
        const check = checkFrame(buf, pos, buf.length - pos);
        if (check.kind === 'torn' && isLast) break;
        if (check.kind !== 'ok') {
          throw fail.corrupt(check.kind === 'torn' ? 'feed frame cut short before the end of a closed feed file' : check.reason, { file, offset: pos },
            'the feed was damaged outside shandian; restore the store from a backup');
        }
        const frame = decode(buf, check.payloadStart, check.payloadEnd, file, pos);
        if (frame.seq !== nextSeq) {
          throw fail.corrupt(`feed frame starts at seq ${frame.seq}, expected ${nextSeq}`, { file, offset: pos }, 'restore the store from a backup');
        }
        if (pos === 0) feed.firstSeq.set(n, frame.seq);
        nextSeq += changeCount(frame);
        report.frames++;
        report.changes += changeCount(frame);
        onFrame(frame);
        pos = check.payloadEnd;
      }
      if (pos < buf.length) {
        report.tornTail = { file, offset: pos, bytes: buf.length - pos };
        if (!readOnly) {
          fs.truncateSync(file, pos);
          fsyncDir(dir);
        }
      }
      lastBytes = pos;
    });
    feed.bytes = lastBytes;
    feed.nextSeq = nextSeq;
    report.lastSeq = nextSeq - 1;
    return { feed, report };
  }

  /** Writes one frame durably (with durability 'fsync'); on failure nothing of it counts (E_IO). */
  async append(frame: FeedFrame): Promise<void> {
    if (this.readOnly) throw fail.internal('a read-only feed was written');
    if (frame.seq !== this.nextSeq) throw fail.internal(`feed frame seq ${frame.seq}, expected ${this.nextSeq}`);
    const bytes = encodeFrame(packr.pack(frame));
    if (this.fd === undefined || (this.bytes > 0 && this.bytes + bytes.length > FEED_FILE_BYTES)) this.roll();
    const fd = this.fd!;
    if (this.bytes === 0) this.firstSeq.set(this.file, frame.seq);
    try {
      await writeAll(this.files.write, fd, bytes);
      if (this.durability === 'fsync') await this.files.datasync(fd);
    } catch (e) {
      try {
        fs.ftruncateSync(fd, this.bytes);
      } catch {
        /* the original error says more */
      }
      if (this.bytes === 0) this.firstSeq.delete(this.file);
      throw fail.io(e, 'writing the change feed failed', { file: this.currentFile(), offset: this.bytes }, 'the records were applied; the changes are recorded again on the next open');
    }
    this.bytes += bytes.length;
    this.written += bytes.length;
    this.nextSeq += changeCount(frame);
    const wake = this.wake;
    this.wake = undefined;
    wake?.resolve();
  }

  /** Resolves at the next frame written by this process (follow). */
  nextWrite(): Promise<void> {
    if (!this.wake) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.wake = { promise, resolve };
    }
    return this.wake.promise;
  }

  private roll(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.file++;
      this.bytes = 0;
    }
    this.fd = fs.openSync(this.currentFile(), 'a');
    fsyncDir(this.dir);
  }

  private currentFile(): string {
    return path.join(this.dir, feedName(this.file));
  }

  /**
   * The frames holding changes with seq > after, in order, read from the
   * files as they are now (another process's feed too). In the writing
   * process only what was durably written is read; a frame being written by
   * another process shows as a torn end and is left for the next read.
   */
  *framesAfter(after: number): Generator<FeedFrame> {
    if (!fs.existsSync(this.dir)) return;
    const files = listFeedFiles(this.dir);
    let start = 0;
    let offset = 0;
    for (let i = 0; i < files.length; i++) {
      const first = this.firstSeqOf(files[i]!);
      if (first !== undefined && first <= after + 1) start = i;
    }
    // a follower asks again and again: start where the last read ended when everything before it is <= after
    const c = this.cursor;
    if (c && c.nextSeq <= after + 1 && files.indexOf(c.file) >= start) {
      start = files.indexOf(c.file);
      offset = c.offset;
    }
    for (let i = start; i < files.length; i++) {
      const file = path.join(this.dir, feedName(files[i]!));
      const from = i === start ? offset : 0;
      let buf: Buffer;
      try {
        buf = readFrom(file, from);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw fail.io(e, 'reading the change feed failed', { file }, 'nothing was changed');
      }
      const end = !this.readOnly && files[i] === this.file ? Math.max(0, Math.min(this.bytes - from, buf.length)) : buf.length;
      let pos = 0;
      while (pos < end) {
        const check = checkFrame(buf, pos, end - pos);
        if (check.kind === 'torn') break;
        if (check.kind === 'corrupt') throw fail.corrupt(check.reason, { file, offset: from + pos }, 'restore the store from a backup');
        const frame = decode(buf, check.payloadStart, check.payloadEnd, file, from + pos);
        pos = check.payloadEnd;
        this.cursor = { file: files[i]!, offset: from + pos, nextSeq: frame.seq + changeCount(frame) };
        if (frame.seq + changeCount(frame) - 1 > after) yield frame;
      }
    }
  }

  /** Where the last read of framesAfter ended: the file, the offset after a whole frame, the seq that comes next. */
  private cursor: { file: number; offset: number; nextSeq: number } | undefined;

  private firstSeqOf(n: number): number | undefined {
    const known = this.firstSeq.get(n);
    if (known !== undefined) return known;
    try {
      const fd = fs.openSync(path.join(this.dir, feedName(n)), 'r');
      try {
        const head = Buffer.alloc(12);
        if (fs.readSync(fd, head, 0, 12, 0) < 12) return undefined;
        const len = head.readUInt32LE(0);
        const buf = Buffer.alloc(12 + len);
        if (fs.readSync(fd, buf, 0, buf.length, 0) < buf.length) return undefined;
        const check = checkFrame(buf, 0, buf.length);
        if (check.kind !== 'ok') return undefined;
        const seq = decode(buf, check.payloadStart, check.payloadEnd, '', 0).seq;
        this.firstSeq.set(n, seq);
        return seq;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    const wake = this.wake;
    this.wake = undefined;
    wake?.resolve();
  }
}

function decode(buf: Buffer, start: number, end: number, file: string, offset: number): FeedFrame {
  let frame: FeedFrame;
  try {
    frame = packr.unpack(buf.subarray(start, end)) as FeedFrame;
  } catch (e) {
    throw fail.corrupt(`undecodable feed frame: ${(e as Error).message}`, { file, offset }, 'restore the store from a backup');
  }
  if (!frame || typeof frame.seq !== 'number' || !Array.isArray(frame.changes)) throw fail.corrupt('feed frame of the wrong shape', { file, offset }, 'restore the store from a backup');
  return frame;
}

/** The bytes of `file` from `offset` on. */
function readFrom(file: string, offset: number): Buffer {
  if (offset === 0) return fs.readFileSync(file);
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(Math.max(0, size - offset));
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

function feedName(n: number): string {
  return `${String(n).padStart(8, '0')}.feed`;
}

function listFeedFiles(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .map((f) => FEED_NAME.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}
