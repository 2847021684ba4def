import fs from 'node:fs';
import path from 'node:path';
import { ShandianError } from '../model/errors.js';
import { readCheckedJson, writeCheckedJson } from '../log/checked-json.js';

export const MANIFEST = 'MANIFEST';
/** Snapshot directories live under DIR/snapshots. */
export const SNAPSHOTS = 'snapshots';

/** A committed snapshot directory: `<ms base36>-<pid>` (and `-<seq>` since the name also counts). */
export const SNAPSHOT_NAME = /^[0-9a-z]+-\d+(?:-\d+)?$/;
/**
 * A snapshot directory still being written. It is renamed to its final name
 * only when every file is fsync'd, just before the MANIFEST naming it is
 * renamed into place; a `.partial` directory is therefore never data a
 * manifest depends on, and the store's writer removes any it finds.
 */
export const PARTIAL_SNAPSHOT_NAME = /^[0-9a-z]+-\d+(?:-\d+)?\.partial$/;

export interface SnapshotFile {
  name: string;
  bytes: number;
  /** CRC-32 (zlib's, native: several GB/s), format 4 and later */
  crc32?: number;
  /** CRC-32C (computed in JavaScript), formats 1 to 3 */
  crc32c?: number;
}

/**
 * What makes a snapshot current: its directory, every file's length and
 * checksum, and the first log segment that is NOT in it (replay starts
 * there). The manifest carries a checksum of its own body.
 */
export interface Manifest {
  /** 4: file checksums are CRC-32 (crc32); 3: attributes as value-index columns; 2: attributes as JSON pairs; 1: posting dim 3 held line rows (all still read) */
  format: 1 | 2 | 3 | 4;
  /** directory under DIR/snapshots */
  snapshot: string;
  /** log segments with a number >= this one hold records after the snapshot */
  nextLogSegment: number;
  shards: number;
  records: { customers: number; orders: number; lines: number };
  files: SnapshotFile[];
  createdAt: string;
  /**
   * Older snapshot directories this one replaces (the previous manifest's
   * snapshot, and any it superseded that were not removed yet): the only
   * snapshot directories a writer may delete. Absent before this field existed.
   */
  superseded?: string[];
}

export function readManifest(dir: string): Manifest | undefined {
  return readCheckedJson<Manifest>(path.join(dir, MANIFEST));
}

/** Renaming the new manifest into place is what makes a snapshot current. */
export function writeManifest(dir: string, manifest: Manifest): void {
  writeCheckedJson(path.join(dir, MANIFEST), manifest);
}

/**
 * Refuses a store whose snapshot data no manifest accounts for: without a
 * MANIFEST, a committed snapshot directory under DIR/snapshots means the
 * manifest that named it is gone, and opening the store as empty (or
 * snapshotting it, which would remove that directory) would lose its data.
 * `.partial` directories (a snapshot interrupted before its commit) are fine.
 * The log side (segments missing before the first one replayed) is checked
 * by AppendLog.open.
 */
export function checkSnapshotsAccountedFor(dir: string, manifest: Manifest | undefined): void {
  if (manifest) return;
  const root = path.join(dir, SNAPSHOTS);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const orphan = names.filter((n) => !PARTIAL_SNAPSHOT_NAME.test(n)).sort()[0];
  if (orphan === undefined) return;
  throw new ShandianError('E_CORRUPT', `${path.join(dir, MANIFEST)} is missing, but the snapshot ${orphan} is there: the store's data may be in it`,
    { file: path.join(root, orphan) },
    `restore ${path.join(dir, MANIFEST)} (or the whole store) from a backup; nothing was read, changed or deleted. ` +
    'Only if you know that snapshot was never completed (the first one, interrupted by a crash) may you move it out of the store');
}

/**
 * Snapshot directories the writer may remove once `manifest` is durable:
 * those it says it superseded, and interrupted `.partial` ones. Only names
 * shandian creates, never the current snapshot.
 */
export function removableSnapshots(dir: string, manifest: Manifest): string[] {
  const root = path.join(dir, SNAPSHOTS);
  const superseded = new Set(manifest.superseded ?? []);
  return fs.readdirSync(root).filter((n) => n !== manifest.snapshot &&
    ((SNAPSHOT_NAME.test(n) && superseded.has(n)) || PARTIAL_SNAPSHOT_NAME.test(n)));
}
