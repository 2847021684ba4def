import fs from 'node:fs';
import { ShandianError } from '../../model/errors.js';
import { badArgs } from './cli-error.js';

/** The query from exactly one of --xml FILE, --expr XML, or `-` (stdin). */
export async function readQueryText(values: { xml?: string; expr?: string }, positionals: string[], stdin: NodeJS.ReadableStream): Promise<string> {
  const fromStdin = positionals.includes('-');
  const extra = positionals.filter((p) => p !== '-');
  if (extra.length) throw badArgs(`unexpected argument ${JSON.stringify(extra[0])}`);
  const sources = [values.xml !== undefined, values.expr !== undefined, fromStdin].filter(Boolean).length;
  if (sources !== 1) throw badArgs('give the query with exactly one of --xml FILE, --expr XML or - (read stdin)');
  if (values.expr !== undefined) return values.expr;
  if (values.xml !== undefined) return decodeQuery(readQueryFile(values.xml), values.xml);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return decodeQuery(Buffer.concat(chunks), '(stdin)');
}

const READ_HINTS: Record<string, [string, string]> = {
  ENOENT: ['no such file', 'check the path'],
  EISDIR: ['is a directory, not a file', 'give the path of a query file, e.g. fixtures/queries/cross-sell.xml'],
  ENOTDIR: ['a part of the path is a file, not a directory', 'check the path'],
  EACCES: ['permission denied', 'check the permissions of the file'],
  EPERM: ['permission denied', 'check the permissions of the file'],
};

function readQueryFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const [what, hint] = READ_HINTS[code] ?? [`cannot read it (${code})`, 'check the path and the disk'];
    throw badArgs(`--xml ${file}: ${what}`, hint);
  }
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true }); // strips a UTF-8 byte order mark

/**
 * The query's bytes as text. Anything but UTF-8 (GBK, UTF-16 with or
 * without a byte order mark, a stray 0xFF) is refused with the offset of the
 * first byte that cannot be UTF-8 query text: read with replacement
 * characters it would quietly ask a different question.
 */
export function decodeQuery(bytes: Uint8Array, source: string): string {
  let text: string | undefined;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    text = undefined;
  }
  // UTF-16 without a byte order mark is valid UTF-8 full of NULs, which XML text cannot hold
  const nul = bytes.indexOf(0);
  if (text !== undefined && nul === -1) return text;
  const invalid = text === undefined ? firstInvalidUtf8(bytes) : -1;
  const utf16 = looksUtf16(bytes) ? ' (the text looks like UTF-16)' : '';
  if (nul !== -1 && (invalid === -1 || nul < invalid)) {
    throw encodingError(bytes, nul, source, `a NUL byte at byte offset ${nul}${utf16}: XML text cannot hold it`);
  }
  throw encodingError(bytes, invalid, source, `the byte 0x${hex(bytes[invalid]!)} at byte offset ${invalid} is not UTF-8${utf16}`);
}

function encodingError(bytes: Uint8Array, offset: number, source: string, reason: string): ShandianError {
  const { line, column } = lineColumn(bytes, offset);
  return new ShandianError('E_XML_SYNTAX', reason, { file: source, line, column },
    `the query must be UTF-8: re-save the file as UTF-8, e.g. iconv -f ${looksUtf16(bytes) ? 'UTF-16' : 'GBK'} -t UTF-8 query.xml > query-utf8.xml`);
}

const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');

/** Byte order mark of UTF-16, or every other byte of the first ones zero. */
function looksUtf16(b: Uint8Array): boolean {
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return true;
  let zeros = 0;
  const n = Math.min(b.length, 64);
  for (let i = 0; i < n; i++) if (b[i] === 0) zeros++;
  return n >= 4 && zeros * 3 >= n;
}

/** 1-based line and column (in characters) of a byte offset whose preceding bytes are valid UTF-8. */
function lineColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let start = lineStart;
  if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = Math.min(3, offset);
  const before = new TextDecoder('utf-8').decode(bytes.subarray(start, offset));
  return { line, column: [...before].length + 1 };
}

/** Offset of the first byte that starts no valid UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    if (i + need >= n) return i;
    const c1 = b[i + 1]!;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}
