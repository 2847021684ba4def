import path from 'node:path';
import { readCheckedJson, writeCheckedJson } from '../log/checked-json.js';

export const MANIFEST = 'MANIFEST';

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
}

export function readManifest(dir: string): Manifest | undefined {
  return readCheckedJson<Manifest>(path.join(dir, MANIFEST));
}

/** Renaming the new manifest into place is what makes a snapshot current. */
export function writeManifest(dir: string, manifest: Manifest): void {
  writeCheckedJson(path.join(dir, MANIFEST), manifest);
}
