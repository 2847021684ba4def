import fs from 'node:fs/promises';
import path from 'node:path';
import { fail } from '../model/errors.js';

/** What an export wrote. */
export interface ExportReport {
  members: number;
  bytes: number;
}

type Watched = NodeJS.WritableStream & { destroyed?: boolean; errored?: unknown; writableNeedDrain?: boolean };

/**
 * Writes `chunks` to a Node writable stream with backpressure (waits for
 * 'drain' whenever write() asks to), without ending it. A stream error
 * (EPIPE, a full disk) stops the export and rejects with E_IO keeping the
 * cause. Returns the bytes written.
 */
export async function writeChunks(chunks: AsyncIterable<Uint8Array>, out: NodeJS.WritableStream): Promise<number> {
  const stream = out as Watched;
  let failed: unknown;
  const onError = (e: unknown) => (failed ??= e);
  stream.on('error', onError);
  const check = () => {
    const e = failed ?? stream.errored ?? (stream.destroyed ? 'the output stream was destroyed' : undefined);
    if (e !== undefined) throw fail.io(e, 'writing the export failed', {}, 'the export is incomplete');
  };
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      check();
      bytes += chunk.byteLength;
      if (stream.write(chunk)) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          stream.off('error', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
        stream.on('error', done);
      });
    }
    check();
  } finally {
    stream.off('error', onError);
  }
  return bytes;
}

/**
 * Writes `chunks` to `file` atomically: to a temporary file beside it, then
 * flushed to disk and renamed over `file` once complete, so a failure (or a
 * kill, or a crash) never leaves a half export under the name; the temporary
 * file is removed on failure (a kill can leave it behind, never `file`).
 * Errors are E_IO naming the file (E_BAD_ARGS for a missing directory or a
 * directory given as the file).
 */
export async function writeFileAtomically(file: string, chunks: AsyncIterable<Uint8Array>): Promise<number> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.partial`);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(tmp, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw fail.badArgs(`cannot write ${file}: its directory does not exist`, { file }, 'create the directory first, or write the file elsewhere');
    throw fail.io(e, `cannot write ${file}`, { file }, 'nothing was written');
  }
  let bytes = 0;
  try {
    try {
      for await (const chunk of chunks) {
        let off = 0;
        while (off < chunk.byteLength) off += (await handle.write(chunk, off, chunk.byteLength - off)).bytesWritten;
        bytes += chunk.byteLength;
      }
      await handle.datasync(); // on disk before the rename makes it the file: a crash leaves the old file or the whole new one
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw fail.badArgs(`${file} is a directory`, { file }, 'give a file name');
      throw e;
    });
  } catch (e) {
    await fs.rm(tmp, { force: true });
    if (e instanceof Error && e.name === 'AbortError') throw e; // the caller's signal: its own reason
    throw fail.io(e, `writing ${file} failed`, { file }, `nothing was written to ${file}`);
  }
  return bytes;
}
