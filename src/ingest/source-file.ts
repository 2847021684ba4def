import fs from 'node:fs';
import { fail, ShandianError } from '../model/errors.js';

/**
 * Size of an input file, or a located error: a missing path or a directory is
 * a bad argument (exit 2), anything else an I/O failure (exit 1).
 */
export async function inputSize(file: string): Promise<number> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    throw fail.inputFile(file, e);
  }
  if (!st.isFile() && !st.isFIFO()) throw new ShandianError('E_BAD_ARGS', 'not a regular file', { file });
  return st.size;
}

/** Hint for text that is not UTF-8 (GBK is the usual suspect for Chinese text). */
export const TO_UTF8 = 'input files must be UTF-8: convert the file first, e.g. iconv -f GBK -t UTF-8 IN > OUT';
const FROM_WIDE = (name: string) => `input files must be UTF-8: convert the file first, e.g. iconv -f ${name} -t UTF-8 IN > OUT`;

/**
 * A file that starts with a UTF-16 or UTF-32 byte order mark, or whose
 * first bytes alternate with NUL (UTF-16 text without a mark): a fatal,
 * located error, so that the reader does not report every line as broken.
 */
export function wideEncoding(head: Buffer, file: string): ShandianError | undefined {
  let name: string | undefined;
  if (head[0] === 0xff && head[1] === 0xfe) name = head[2] === 0 && head[3] === 0 ? 'UTF-32' : 'UTF-16';
  else if (head[0] === 0xfe && head[1] === 0xff) name = 'UTF-16';
  else if (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) name = 'UTF-32';
  else if (head.length >= 4 && ((head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) ||
    (head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0))) name = 'UTF-16';
  if (!name) return undefined;
  return new ShandianError('E_BAD_RECORD', `the file is ${name} text, not UTF-8`, { file, line: 1 }, FROM_WIDE(name));
}
