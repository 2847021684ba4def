import { constants } from 'node:buffer';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { fail, ShandianError } from '../model/errors.js';
import { TUNING } from '../model/defaults.js';

/**
 * Whole-file and whole-buffer I/O for store files (snapshot columns, log
 * frames, the small checked JSON files), in chunks.
 *
 * Node refuses a single read or write of 2 GiB or more (`The value of
 * "length" is out of range`, its kIoMaxLength is 2^31 - 1), and any read or
 * write may move fewer bytes than asked for. A snapshot column of one shard
 * passes 2 GiB at about 135M order lines in that shard, so every store-file
 * read and write goes through the loops here: at most `ioChunkBytes()` per
 * call, repeated until every byte moved.
 *
 * Buffers themselves stay below buffer.constants.MAX_LENGTH (4 GiB on Node
 * 20): `checkBufferBytes` says so before one is made, with an honest error.
 */

/** The most bytes one read or write call is given (1 GiB: well under Node's 2 GiB - 1). */
export const DEFAULT_IO_CHUNK_BYTES = TUNING.IO_CHUNK_BYTES;

let ioChunk = DEFAULT_IO_CHUNK_BYTES;

/** The current chunk limit of one read or write call. */
export function ioChunkBytes(): number {
  return ioChunk;
}

/**
 * Internal, for tests: lowers (or restores) the chunk limit, so that a few
 * kilobytes of store exercise the same loops as a 2 GiB column. Returns the
 * previous limit, for restoring it.
 */
export function setIoChunkBytes(bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > DEFAULT_IO_CHUNK_BYTES) {
    throw new ShandianError('E_INTERNAL', `I/O chunk limit must be an integer from 1 to ${DEFAULT_IO_CHUNK_BYTES}, got ${bytes}`);
  }
  const previous = ioChunk;
  ioChunk = bytes;
  return previous;
}

/**
 * The file operations the loops use, as a seam for tests (short reads and
 * writes, injected errno failures). Each moves at most `length` bytes.
 */
export const fileOps = {
  writeSync: (fd: number, bytes: Uint8Array, offset: number, length: number, position: number | null): number =>
    fs.writeSync(fd, bytes, offset, length, position),
  readSync: (fd: number, bytes: Uint8Array, offset: number, length: number, position: number): number =>
    fs.readSync(fd, bytes, offset, length, position),
};

/** Writes all of `bytes` to `fd` (at `position`, else at the file's offset), chunk by chunk. */
export function writeAllSync(fd: number, bytes: Uint8Array, position: number | null = null): void {
  for (let done = 0; done < bytes.length; ) {
    const n = fileOps.writeSync(fd, bytes, done, Math.min(bytes.length - done, ioChunk), position === null ? null : position + done);
    if (!(n > 0)) throw fail.errno('EIO', 'write', `write moved no bytes at byte ${done} of ${bytes.length}`);
    done += n;
  }
}

/**
 * Writes all of `bytes` with an asynchronous `write` (the append log's seam),
 * at most `ioChunkBytes()` per call, until every byte is written.
 */
export async function writeAll(
  write: (fd: number, bytes: Uint8Array, offset: number, length: number) => Promise<number>,
  fd: number,
  bytes: Uint8Array,
): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const n = await write(fd, bytes, done, Math.min(bytes.length - done, ioChunk));
    if (!(n > 0)) throw fail.errno('EIO', 'write', `write moved no bytes at byte ${done} of ${bytes.length}`);
    done += n;
  }
}

/**
 * Reads from `fd` at `position` into `into[offset, offset + length)` until
 * that range is full or the file ends; returns the bytes read (less than
 * `length` only at the end of the file).
 */
export function readFullySync(fd: number, into: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fileOps.readSync(fd, into, offset + done, Math.min(length - done, ioChunk), position + done);
    if (n === 0) break; // end of file
    done += n;
  }
  return done;
}

/** `file` written whole (created or truncated) and fsync'd. */
export function writeFileSynced(file: string, bytes: Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    writeAllSync(fd, bytes, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The whole of `file` read into a buffer from `allocate` (a SharedArrayBuffer
 * for snapshot files). A file that ends early (shrunk while being read) is
 * E_CORRUPT.
 */
export function readWholeFile(file: string, allocate: (size: number) => Buffer = (size) => Buffer.allocUnsafe(size)): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    checkBufferBytes(size, file);
    const bytes = allocate(size);
    const got = readFullySync(fd, bytes, 0, size, 0);
    if (got !== size) {
      throw new ShandianError('E_CORRUPT', `file ended at byte ${got} of ${size} while being read`, { file },
        'the file changed while shandian read it: is another process writing this store?');
    }
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

/** CRC-32 (zlib) of `bytes`, a chunk at a time (zlib's length argument is 32 bits). */
export function crc32Chunked(bytes: Uint8Array): number {
  let crc = 0;
  const step = Math.min(ioChunk, DEFAULT_IO_CHUNK_BYTES);
  if (bytes.length <= step) return zlib.crc32(bytes);
  for (let at = 0; at < bytes.length; at += step) crc = zlib.crc32(bytes.subarray(at, Math.min(bytes.length, at + step)), crc);
  return crc;
}

/** The largest buffer this Node can make (4 GiB on Node 20). */
export const MAX_BUFFER_BYTES: number = constants.MAX_LENGTH;

/** Refuses, honestly, a buffer of `bytes` this Node cannot make (a store file over 4 GiB on Node 20). */
export function checkBufferBytes(bytes: number, file: string | undefined, limit = MAX_BUFFER_BYTES): void {
  if (bytes <= limit) return;
  throw fail.limit(
    `a store file of ${(bytes / 2 ** 30).toFixed(2)} GiB is over the ${(limit / 2 ** 30).toFixed(2)} GiB a single buffer can hold in Node ${process.versions.node} ` +
    '(buffer.constants.MAX_LENGTH): one shard holds too much for one file',
    'this is not a disk problem and nothing was lost: use more shards (gen --data ... --shards N, or the shards option of a new store), so each shard\'s columns stay under it',
    file ? { file } : {});
}

