import { ShandianError } from '../model/errors.js';

/** Exit codes of the contract: 0 success, 2 bad query/arguments/records, 1 anything else. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export function badArgs(reason: string, hint = 'see --help'): ShandianError {
  return new ShandianError('E_BAD_ARGS', reason, {}, hint);
}

/** Prints an error to stderr the way every command does, and returns its exit code. */
export function reportError(e: unknown, stderr: NodeJS.WritableStream): number {
  if (e instanceof ShandianError) {
    stderr.write(`shandian: ${e.message}\n`);
    return e.isUserError ? EXIT_BAD_INPUT : EXIT_FAILURE;
  }
  if (e instanceof Error && e.name === 'AbortError') {
    stderr.write(`shandian: ABORT_ERR: ${e.message}\n`);
    return EXIT_FAILURE;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && err.syscall) {
    stderr.write(`shandian: E_IO: ${err.message}\n`);
    return EXIT_FAILURE;
  }
  stderr.write(`shandian: E_INTERNAL: ${(e as Error)?.stack ?? String(e)}\n`);
  return EXIT_FAILURE;
}
