import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '../log/crc32c.js';
import { ShandianError } from '../model/errors.js';

export const MANIFEST = 'MANIFEST';

export interface SnapshotFile {
  name: string;
  bytes: number;
  crc32c: number;
}

/**
 * What makes a snapshot current: its directory, every file's length and
 * checksum, and the first log segment that is NOT in it (replay starts
 * there). The manifest carries a checksum of its own body.
 */
export interface Manifest {
  format: 1;
  /** directory under DIR/snapshots */
  snapshot: string;
  /** log segments with a number >= this one hold records after the snapshot */
  nextLogSegment: number;
  shards: number;
  records: { customers: number; orders: number; lines: number };
  files: SnapshotFile[];
  createdAt: string;
}

export function readManifest(dir: string): Manifest | undefined {
  const file = path.join(dir, MANIFEST);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const nl = text.indexOf('\n');
  const body = text.slice(nl + 1);
  const expected = Number.parseInt(text.slice(0, nl), 16);
  if (nl < 0 || !Number.isFinite(expected) || crc32c(Buffer.from(body, 'utf8')) !== expected) {
    throw corrupt(file, 'manifest checksum mismatch');
  }
  try {
    return JSON.parse(body) as Manifest;
  } catch {
    throw corrupt(file, 'manifest is not valid JSON');
  }
}

/** tmp file, fsync, rename: the old manifest or the new one, never half of either. */
export function writeManifest(dir: string, manifest: Manifest): void {
  const body = JSON.stringify(manifest, null, 1);
  const text = `${crc32c(Buffer.from(body, 'utf8')).toString(16).padStart(8, '0')}\n${body}`;
  const tmp = path.join(dir, `${MANIFEST}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, MANIFEST));
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* not every filesystem can fsync a directory */
  }
}

export function corrupt(file: string, reason: string): ShandianError {
  return new ShandianError('E_CORRUPT', reason, { file },
    'the store was damaged outside shandian; restore it from a backup (shandian verify --data DIR lists every damaged file)');
}
