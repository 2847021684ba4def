import fs from 'node:fs';
import path from 'node:path';
import { ShandianError } from '../model/errors.js';

/** What a store records about itself once, at creation. */
export interface StoreMeta {
  format: 1;
  shards: number;
  /** the engine's configured zone for date-only bounds, if one was set */
  tz?: string;
}

export function readMeta(dir: string): StoreMeta | undefined {
  return readJson<StoreMeta>(path.join(dir, 'meta.json'));
}

export function writeMeta(dir: string, meta: StoreMeta): void {
  writeJsonAtomic(path.join(dir, 'meta.json'), meta);
}

/** Saved segments: name -> XML. */
export function readSavedSegments(dir: string): Record<string, string> {
  return readJson<Record<string, string>>(path.join(dir, 'segments.json')) ?? {};
}

export function writeSavedSegments(dir: string, segments: Record<string, string>): void {
  writeJsonAtomic(path.join(dir, 'segments.json'), segments);
}

function readJson<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new ShandianError('E_CORRUPT', `unreadable JSON: ${(e as Error).message}`, { file },
      'the store file was damaged outside shandian; restore it from a backup');
  }
}

/** Write to a temp file, fsync, rename over: readers see the old or the new file, never half. */
function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(value, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dfd = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dfd);
  } catch {
    /* not all filesystems allow it */
  } finally {
    fs.closeSync(dfd);
  }
}
