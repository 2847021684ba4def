import fs from 'node:fs';
import path from 'node:path';
import { AppendLog, type ReplayReport } from '../log/append-log.js';
import { ShandianError } from '../model/errors.js';
import { checkSnapshotsAccountedFor, MANIFEST, PARTIAL_SNAPSHOT_NAME, readManifest, SNAPSHOTS, type Manifest } from '../snapshot/manifest.js';
import { loadSnapshot } from '../snapshot/read-snapshot.js';
import { Store } from '../store/store.js';
import { TUNING } from '../model/defaults.js';

/**
 * The newest snapshot (if any) and the first log segment after it. A store
 * whose snapshot directory no MANIFEST names is E_CORRUPT, never opened empty.
 */
export function loadLatest(dir: string, shards: number): { store: Store; nextLogSegment: number } {
  return loadFrom(dir, shards, readManifest(dir));
}

function loadFrom(dir: string, shards: number, manifest: Manifest | undefined): { store: Store; nextLogSegment: number } {
  checkSnapshotsAccountedFor(dir, manifest);
  if (!manifest) return { store: new Store(shards), nextLogSegment: 1 };
  if (manifest.shards !== shards) {
    throw new ShandianError('E_CORRUPT', `the snapshot has ${manifest.shards} shards, meta.json says ${shards}`, { file: dir },
      'restore the store from a backup');
  }
  return { store: loadSnapshot(dir, manifest), nextLogSegment: manifest.nextLogSegment };
}

/**
 * Before a writer creates meta.json for a new store: a directory that already
 * holds a manifest, a snapshot or log segments is a store that lost its
 * meta.json, not a new one (its shard count would be guessed).
 */
export function checkNoDataWithoutMeta(dir: string): void {
  const found: string[] = [];
  if (fs.existsSync(path.join(dir, MANIFEST))) found.push(path.join(dir, MANIFEST));
  const list = (sub: string) => {
    try {
      return fs.readdirSync(path.join(dir, sub));
    } catch {
      return [];
    }
  };
  for (const n of list(SNAPSHOTS)) if (!PARTIAL_SNAPSHOT_NAME.test(n)) found.push(path.join(dir, SNAPSHOTS, n));
  for (const n of list('log')) if (/^\d{8}\.log$/.test(n)) found.push(path.join(dir, 'log', n));
  if (found.length === 0) return;
  throw new ShandianError('E_CORRUPT', `${path.join(dir, 'meta.json')} is missing, but the store holds data (${found[0]}${found.length > 1 ? ` and ${found.length - 1} more` : ''})`,
    { file: path.join(dir, 'meta.json') }, 'restore meta.json (or the whole store) from a backup; nothing was changed');
}

/** Test seam: runs between loading the snapshot and replaying the log of a read-only open. */
export const readOnlyOpenSeams: { afterSnapshot?: (dir: string) => void } = {};

/** Attempts of a read-only open while a writer keeps replacing the snapshot under it. */
const READ_ONLY_ATTEMPTS = TUNING.READ_ONLY_OPEN_ATTEMPTS;

/**
 * A read-only open (no lock) while a writer may be snapshotting: the writer
 * renames a new MANIFEST into place, then removes the snapshot and log
 * segments it covers, possibly while this reader is loading them. A failure
 * after which the MANIFEST names something else is that race, not damage:
 * the open starts again from the new manifest (bounded). A failure with the
 * manifest unchanged is reported as it is.
 */
export async function loadReadOnly(dir: string, shards: number): Promise<{ store: Store; report: ReplayReport }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < READ_ONLY_ATTEMPTS; attempt++) {
    const manifest = readManifest(dir); // E_CORRUPT if damaged: renamed into place whole, never seen half-written
    try {
      const latest = loadFrom(dir, shards, manifest);
      readOnlyOpenSeams.afterSnapshot?.(dir);
      const { store } = latest;
      const { report } = AppendLog.open(dir, 'none', (records) => store.apply(records), { readOnly: true, fromSegment: latest.nextLogSegment });
      // Still the current manifest: nothing it depends on was removed while we read (a writer removes
      // only after renaming a new one in). If it changed, the segments listed may have been removed
      // before the listing (the log would look shorter, not broken): read again from the new one.
      if (sameManifest(manifest, readManifest(dir))) return { store, report };
      lastError = new ShandianError('E_IO', `the store kept changing under a read-only open (${READ_ONLY_ATTEMPTS} attempts)`, { file: dir },
        'a writer is snapshotting it continuously; retry, or open it while the writer is idle');
    } catch (e) {
      lastError = e;
      // a writer's first snapshot: its directory is renamed a moment before its manifest is
      if (sameManifest(manifest, manifestIfReadable(dir, e))) await new Promise((resolve) => setTimeout(resolve, 10 + attempt * 10));
      if (sameManifest(manifest, manifestIfReadable(dir, e))) throw e;
    }
  }
  throw lastError;
}

function manifestIfReadable(dir: string, original: unknown): Manifest | undefined {
  try {
    return readManifest(dir);
  } catch {
    throw original;
  }
}

function sameManifest(a: Manifest | undefined, b: Manifest | undefined): boolean {
  if (!a || !b) return a === b;
  return a.snapshot === b.snapshot && a.nextLogSegment === b.nextLogSegment && a.createdAt === b.createdAt;
}
