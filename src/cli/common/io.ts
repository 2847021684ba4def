/** The streams a command uses; injectable so tests can run commands in-process. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Thrown by `write` once the reader of a stream has gone away (`| head -1`
 * closed the pipe): not a failure, the command stops writing and the CLI
 * exits 0 without a word. Never shown to a user.
 */
export class OutputClosed {
  constructor(readonly cause: unknown) {}
}

type Stream = NodeJS.WritableStream & { destroyed?: boolean; errored?: unknown };

/** The error that ended `stream` (set by `watchOutput`, or by Node itself on a failed write), if any. */
function streamError(stream: Stream): unknown {
  return (stream as { shandianError?: unknown }).shandianError ?? stream.errored ?? (stream.destroyed ? 'destroyed' : undefined);
}

/**
 * Keeps a stream's write errors from crashing the process (an unhandled
 * 'error' event prints a raw EPIPE stack): records the error, so the next
 * `write` stops the command. Idempotent.
 */
export function watchOutput(stream: NodeJS.WritableStream): void {
  const s = stream as Stream & { shandianWatched?: boolean; shandianError?: unknown };
  if (s.shandianWatched) return;
  s.shandianWatched = true;
  stream.on('error', (e: unknown) => {
    s.shandianError ??= e;
  });
}

/** Whether an error means the reader closed the pipe (EPIPE) or the stream was destroyed. */
export function isClosedOutput(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return e === 'destroyed' || code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

/**
 * Writes respecting backpressure (ids output can be millions of lines).
 * Throws `OutputClosed` when the reader has gone (EPIPE) and the stream's
 * own error (E_IO upstream) when the write failed otherwise.
 */
export function write(stream: NodeJS.WritableStream, text: string | Uint8Array): Promise<void> | void {
  const s = stream as Stream;
  const before = streamError(s);
  if (before !== undefined) throw isClosedOutput(before) ? new OutputClosed(before) : before;
  if (stream.write(text)) {
    const after = streamError(s); // a failed synchronous write (a pipe on Linux) destroys the stream at once
    if (after !== undefined) throw isClosedOutput(after) ? new OutputClosed(after) : after;
    return;
  }
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      const e = streamError(s);
      if (e !== undefined) reject(isClosedOutput(e) ? new OutputClosed(e) : e);
      else resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
