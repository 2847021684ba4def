import { fail, ShandianError, type ErrorCode } from '../../model/errors.js';

/** Exit codes of the contract: 0 success, 2 bad query/arguments/records, 1 anything else. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export function badArgs(reason: string, hint = 'see --help'): ShandianError {
  return fail.badArgs(reason, {}, hint);
}

/** What to do about a system call failure, by its errno code. */
const IO_HINTS: Record<string, string> = {
  ENOENT: 'check that the path exists',
  ENOTDIR: 'a part of the path is a file, not a directory: check the path',
  EISDIR: 'the path is a directory: give a file',
  EEXIST: 'the path already exists: choose another one',
  EACCES: 'check the permissions of the path',
  EPERM: 'check the permissions of the path',
  EROFS: 'the file system is read-only: choose a writable location',
  ENOSPC: 'the disk is full: free some space and run again',
  EDQUOT: 'the disk quota is used up: free some space and run again',
  EMFILE: 'too many open files: raise the limit (ulimit -n) and run again',
  ENFILE: 'too many open files: raise the limit (ulimit -n) and run again',
  EIO: 'the device reported an I/O error: check the disk',
  EPIPE: 'the reader of the output went away',
};

const QUERY_HINT = 'fix the query; docs/query-language.md describes every element and attribute';

/** What to do, for an error raised without a hint of its own (every message the CLI prints has one). */
const CODE_HINTS: Partial<Record<ErrorCode, string>> = {
  E_BAD_ARGS: 'see shandian <command> --help',
  E_BAD_RECORD: 'fix or remove the record; --skip-bad skips such records and reports them',
  E_IO: 'check the path, its permissions and the disk',
  E_CORRUPT: 'run shandian verify --data DIR to see every damaged file; restore the store from a backup, or shandian repair for a damaged log',
  E_LOCKED: 'another process is writing to the store: wait for it to finish',
  E_CLOSED: 'run the command again',
  E_TIMEOUT: 'narrow the query, or run it again when the machine is less busy',
  E_OVERLOADED: 'run it again when fewer queries are running',
  E_INTERNAL: 'this is a bug in shandian: please report it with the command you ran',
  E_UNKNOWN_SEGMENT: 'save it first with shandian save --name NAME, or fix the name',
  E_BAD_TZ: 'use an IANA name such as Asia/Shanghai',
};

/** Prints an error to stderr the way every command does, and returns its exit code. */
export function reportError(e: unknown, stderr: NodeJS.WritableStream): number {
  if (e instanceof ShandianError) {
    const hint = e.hint ?? CODE_HINTS[e.code] ?? (e.isUserError ? QUERY_HINT : 'see the message; run the command again');
    stderr.write(`shandian: ${e.hint ? e.message : `${e.message} (${hint})`}\n`);
    return e.isUserError ? EXIT_BAD_INPUT : EXIT_FAILURE;
  }
  if (e instanceof Error && e.name === 'AbortError') {
    stderr.write(`shandian: E_IO: ${e.message} (the operation was cancelled; run it again)\n`);
    return EXIT_FAILURE;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && err.syscall) {
    const where = err.path ? `${err.path}: ` : '';
    const what = err.message.replace(/^[A-Z]+: /, '').replace(/, [a-z]+ '[^']*'$/, '');
    const hint = IO_HINTS[err.code] ?? 'check the path, its permissions and the disk';
    stderr.write(`shandian: E_IO: ${where}${err.code}: ${what} (${hint})\n`);
    return EXIT_FAILURE;
  }
  const message = e instanceof Error ? e.message : String(e);
  const stack = e instanceof Error && e.stack ? `\n${e.stack}` : '';
  stderr.write(`shandian: E_INTERNAL: ${message} (this is a bug in shandian: please report it with the command you ran and the trace below)${stack}\n`);
  return EXIT_FAILURE;
}
