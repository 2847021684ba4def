/**
 * Buffered output file with backpressure by construction: text accumulates
 * up to a chunk size, then the caller awaits the write before producing more.
 * Memory stays at one chunk however large the output.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Progress of a writer: records consumed and bytes written so far. */
export interface WriteProgress {
  records: number;
  bytes: number;
}

export type ProgressCallback = (p: WriteProgress) => void;

/** Flush threshold; buffers have room for one more encoded pending string. */
const CHUNK_BYTES = 1 << 20;
const PENDING_CHARS = 1 << 16;
const BUFFER_BYTES = CHUNK_BYTES + 3 * PENDING_CHARS;

export class FileSink {
  /**
   * Small strings are concatenated into `pending` (V8 ropes: cheap) and
   * UTF-8 encoded ~64K characters at a time straight into a Buffer; one
   * native call per many records is much cheaper than one per record or one
   * giant string. Full buffers queue up in `full` until the next flush.
   */
  private pending = '';
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  private full: Uint8Array[] = [];
  private written = 0;

  private constructor(private readonly fh: FileHandle) {}

  static async create(path: string): Promise<FileSink> {
    return new FileSink(await open(path, 'w'));
  }

  /** Bytes written to the file so far. */
  get bytes(): number {
    return this.written;
  }

  /** Buffers `s`; true when enough is buffered that the caller should `flush()`. */
  add(s: string): boolean {
    this.pending += s;
    if (this.pending.length >= PENDING_CHARS) this.encodePending();
    return this.needsFlush;
  }

  /** True when enough is buffered that the caller should `flush()`. */
  get needsFlush(): boolean {
    return this.pos >= CHUNK_BYTES || this.full.length > 0;
  }

  private encodePending(): void {
    const s = this.pending;
    this.pending = '';
    const worst = s.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    if (this.pos + worst > this.buf.length) {
      if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, worst));
      this.pos = 0;
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  async flush(): Promise<void> {
    if (this.pending.length > 0) this.encodePending();
    if (this.pos === 0 && this.full.length === 0) return;
    const chunks = this.full;
    if (this.pos > 0) chunks.push(this.buf.subarray(0, this.pos));
    this.full = [];
    this.pos = 0; // `buf` is reused only after the write below completes
    await this.writeChunks(chunks);
  }

  /** Writes raw bytes after any buffered text. */
  async writeBytes(chunks: Uint8Array[]): Promise<void> {
    await this.flush();
    await this.writeChunks(chunks);
  }

  private async writeChunks(chunks: Uint8Array[]): Promise<void> {
    let n = 0;
    for (const c of chunks) n += c.byteLength;
    if (n === 0) return;
    const { bytesWritten } = await this.fh.writev(chunks);
    if (bytesWritten !== n) {
      // writev may write partially: finish the rest with plain writes
      let rest = Buffer.concat(chunks).subarray(bytesWritten);
      while (rest.byteLength > 0) {
        const r = await this.fh.write(rest, 0, rest.byteLength);
        rest = rest.subarray(r.bytesWritten);
      }
    }
    this.written += n;
  }

  /** Flushes and closes; on `ok === false` just closes (the caller is failing). */
  async close(ok = true): Promise<void> {
    try {
      if (ok) await this.flush();
    } finally {
      await this.fh.close();
    }
  }
}

/** Runs `body` with a sink on `path`, closing it whatever happens. */
export async function withFileSink<T>(path: string, body: (sink: FileSink) => Promise<T>): Promise<T> {
  const sink = await FileSink.create(path);
  let result: T;
  try {
    result = await body(sink);
  } catch (err) {
    await sink.close(false).catch(() => {});
    throw err;
  }
  await sink.close();
  return result;
}
