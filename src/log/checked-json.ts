import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../model/errors.js';
import { crc32c } from './crc32c.js';
import { writeAllSync } from './file-io.js';

/**
 * Small store files (meta, saved segments, the snapshot manifest) as
 * `<crc32c hex>\n<JSON>`: a flipped byte is E_CORRUPT, never a different
 * shard count or a different saved query. Written to a temp file, fsync'd
 * and renamed over the old one, so readers see the old or the new, never half.
 */
export function readCheckedJson<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const nl = text.indexOf('\n');
  const body = text.slice(nl + 1);
  const head = text.slice(0, nl);
  if (nl !== 8 || !/^[0-9a-f]{8}$/.test(head) || crc32c(Buffer.from(body, 'utf8')) !== Number.parseInt(head, 16)) {
    throw fail.corruptFile(file, 'checksum mismatch');
  }
  try {
    return JSON.parse(body) as T;
  } catch {
    throw fail.corruptFile(file, 'not valid JSON');
  }
}

export function writeCheckedJson(file: string, value: unknown): void {
  const body = JSON.stringify(value, null, 1);
  const text = `${crc32c(Buffer.from(body, 'utf8')).toString(16).padStart(8, '0')}\n${body}`;
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeAllSync(fd, Buffer.from(text, 'utf8'), 0); // every byte: one write call may write fewer
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
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
