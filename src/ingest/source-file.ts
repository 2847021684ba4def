import fs from 'node:fs';
import { ShandianError } from '../model/errors.js';

/**
 * Size of an input file, or a located error: a missing path or a directory is
 * a bad argument (exit 2), anything else an I/O failure (exit 1).
 */
export async function inputSize(file: string): Promise<number> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    throw ioError(file, e);
  }
  if (!st.isFile() && !st.isFIFO()) throw new ShandianError('E_BAD_ARGS', 'not a regular file', { file });
  return st.size;
}

/** A read failure as a ShandianError naming the file. */
export function ioError(file: string, e: unknown): ShandianError {
  if (e instanceof ShandianError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return new ShandianError('E_BAD_ARGS', 'no such file', { file });
  if (err?.code === 'EISDIR') return new ShandianError('E_BAD_ARGS', 'is a directory, not a file', { file });
  return new ShandianError('E_IO', `cannot read: ${err?.message ?? String(e)}`, { file });
}
