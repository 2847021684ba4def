import { ShandianError } from '../model/errors.js';

/** Exit codes of the contract: 0 success, 2 bad query/arguments/records, 1 anything else. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export function badArgs(reason: string, hint = 'see --help'): ShandianError {
  return new ShandianError('E_BAD_ARGS', reason, {}, hint);
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

/** Prints an error to stderr the way every command does, and returns its exit code. */
export function reportError(e: unknown, stderr: NodeJS.WritableStream): number {
  if (e instanceof ShandianError) {
    stderr.write(`shandian: ${e.message}\n`);
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
