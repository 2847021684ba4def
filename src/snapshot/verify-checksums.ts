import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import { crc32c } from '../log/crc32c.js';
import { SNAPSHOTS, type Manifest } from './manifest.js';

/** A file's bytes and the CRC-32 its manifest records. */
export interface ChecksumJob {
  bytes: Uint8Array;
  crc32: number;
}

/**
 * Which of `jobs` match their CRC-32 (true) and which do not (false).
 *
 * Checking every byte of a 300M-line snapshot (16 GiB) is most of opening
 * it: ~10 s on one core, and it is also where the mapped pages come in from
 * the page cache. From `parallelFromBytes` on, a worker thread checks about
 * half the bytes (the files are shared memory: nothing is copied) while
 * this thread checks the rest. Opening stays synchronous: this thread waits
 * on a shared flag, not on an event. Files the worker did not get to (it
 * failed to start, or took too long) are checked here, so the answer never
 * depends on the worker.
 */
export function verifyChecksums(jobs: readonly ChecksumJob[], parallelFromBytes = DEFAULT_PARALLEL_FROM_BYTES): boolean[] {
  const total = jobs.reduce((n, j) => n + j.bytes.length, 0);
  const shareable = (j: ChecksumJob) => j.bytes.buffer instanceof SharedArrayBuffer;
  const ok: Array<boolean | undefined> = jobs.map(() => undefined);
  // the biggest shareable files go to the worker until it holds about half the bytes
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.bytes.length - jobs[a]!.bytes.length);
  const theirs: number[] = [];
  if (total >= parallelFromBytes) {
    let given = 0;
    for (const i of order) {
      const j = jobs[i]!;
      if (!shareable(j) || given + j.bytes.length > total / 2) continue;
      theirs.push(i);
      given += j.bytes.length;
    }
  }
  // slot 0: done flag; slot 1 + k: result of theirs[k] (0 not checked, 1 match, 2 mismatch)
  const results = new Int32Array(new SharedArrayBuffer(4 * (theirs.length + 1)));
  const worker = theirs.length > 0 ? startWorker(theirs.map((i) => jobs[i]!), results) : undefined;
  const mine = new Set(jobs.map((_, i) => i).filter((i) => !theirs.includes(i)));
  for (const i of mine) ok[i] = zlib.crc32(jobs[i]!.bytes) === jobs[i]!.crc32;
  if (worker) {
    // generous (a slow disk is read at 20 MB/s): past it, this thread checks what the worker has not
    const theirBytes = theirs.reduce((n, i) => n + jobs[i]!.bytes.length, 0);
    Atomics.wait(results, 0, 0, 5_000 + theirBytes / 20_000);
    void worker.terminate();
  }
  theirs.forEach((i, k) => {
    const r = Atomics.load(results, k + 1);
    ok[i] = r === 0 ? zlib.crc32(jobs[i]!.bytes) === jobs[i]!.crc32 : r === 1;
  });
  return ok as boolean[];
}

/** Below this many bytes in all, one thread checks everything (a worker takes ~50 ms to start). */
const DEFAULT_PARALLEL_FROM_BYTES = 256 * 1024 * 1024;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { jobs, results } = workerData;
try {
  jobs.forEach((j, k) => {
    const bytes = new Uint8Array(j.buffer, j.offset, j.length);
    Atomics.store(results, k + 1, zlib.crc32(bytes) === j.crc32 ? 1 : 2);
  });
} finally {
  Atomics.store(results, 0, 1);
  Atomics.notify(results, 0);
}
`;

function startWorker(jobs: readonly ChecksumJob[], results: Int32Array): Worker | undefined {
  try {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { jobs: jobs.map((j) => ({ buffer: j.bytes.buffer, offset: j.bytes.byteOffset, length: j.bytes.length, crc32: j.crc32 })), results },
    });
    worker.unref();
    // a worker that fails leaves its results at 0: this thread checks those files itself
    worker.on('error', () => undefined);
    return worker;
  } catch {
    return undefined;
  }
}

/** A snapshot file that does not match its manifest entry. */
export interface SnapshotFileDamage {
  file: string;
  reason: string;
}

/**
 * Checks every file a manifest lists against its recorded length and
 * checksum, reading each in pieces (any size, little memory), changing
 * nothing. Returns the damaged files (missing, wrong length, wrong checksum).
 */
export function findSnapshotDamage(storeDir: string, manifest: Manifest): SnapshotFileDamage[] {
  const dir = path.join(storeDir, SNAPSHOTS, manifest.snapshot);
  const damage: SnapshotFileDamage[] = [];
  const chunk = Buffer.allocUnsafe(16 * 1024 * 1024);
  for (const meta of manifest.files) {
    const file = path.join(dir, meta.name);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      damage.push({ file, reason: `snapshot file unreadable: ${(e as Error).message}` });
      continue;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size !== meta.bytes) {
        damage.push({ file, reason: `snapshot file has ${size} bytes, the manifest says ${meta.bytes}` });
        continue;
      }
      if (meta.crc32 === undefined) {
        // formats 1 to 3 (CRC-32C, small stores): whole
        if (meta.crc32c === undefined || crc32c(fs.readFileSync(file)) !== meta.crc32c) damage.push({ file, reason: 'snapshot file checksum mismatch' });
        continue;
      }
      let crc = 0;
      for (let at = 0; at < size; ) {
        const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - at), at);
        if (n === 0) break;
        crc = zlib.crc32(chunk.subarray(0, n), crc);
        at += n;
      }
      if (crc !== meta.crc32) damage.push({ file, reason: 'snapshot file checksum mismatch' });
    } finally {
      fs.closeSync(fd);
    }
  }
  return damage;
}
