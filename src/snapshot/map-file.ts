import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWholeFile } from '../log/file-io.js';

/**
 * Snapshot files as shared memory. With the native mapper (native/map-file.cc,
 * built by `npm install`) a file is mmap'd copy-on-write: its bytes are the
 * page cache's, so opening a store costs no copy and no fresh memory. Without
 * it (not built, or SHANDIAN_NO_MMAP=1) the file is read into a new
 * SharedArrayBuffer. Either way the caller gets a Buffer over shared memory
 * that query workers can read in place.
 */

interface NativeMapper {
  mapFile(file: string): SharedArrayBuffer | undefined;
}

const ADDON = path.join('build', 'Release', 'shandian_map.node');

/** The addon from the package root (this file runs from src/ under tests and from dist/src/ when built). */
function loadMapper(): NativeMapper | undefined {
  if (process.env.SHANDIAN_NO_MMAP === '1') return undefined;
  const require = createRequire(import.meta.url);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, ADDON);
    if (!fs.existsSync(candidate)) continue;
    try {
      return require(candidate) as NativeMapper;
    } catch {
      return undefined; // built for another Node: read instead
    }
  }
  return undefined;
}

const mapper = loadMapper();

/** How snapshot files are loaded in this process. */
export const snapshotLoading: 'mmap' | 'read' = mapper ? 'mmap' : 'read';

/** The whole file as a Buffer over shared memory: mapped if it can be, else read. */
export function loadSharedFile(file: string, options: { map?: boolean } = {}): Buffer {
  if (mapper && options.map !== false) {
    const mapped = mapper.mapFile(file);
    if (mapped) return Buffer.from(mapped);
  }
  return readShared(file);
}

/**
 * The file read into a new SharedArrayBuffer, in chunks (file-io.ts: a
 * column over 2 GiB is more than one read call takes; short reads go on).
 */
function readShared(file: string): Buffer {
  return readWholeFile(file, (size) => Buffer.from(new SharedArrayBuffer(Math.max(1, size)), 0, size));
}
