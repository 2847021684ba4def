import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { TUNING } from '../model/defaults.js';
import type { Bitmap } from '../index/bitmap.js';
import { boughtRequest, checkReply, decodeResults, portraitRequest, sequenceRequest, valuesRequest, type WorkerReply, type WorkerRequest } from '../exec/protocol.js';
import type { SequenceTask } from '../exec/sequence-task.js';
import type { PortraitScanTask } from '../exec/portrait-scan.js';
import type { ValuesTask } from '../exec/score-values.js';
import type { BoughtTask } from '../exec/bought-task.js';

/** The compiled worker entry (CommonJS, see bought-worker-entry.cts); absent when running from TypeScript sources. */
const WORKER_FILE = fileURLToPath(new URL('../exec/bought-worker-entry.cjs', import.meta.url));

/**
 * Worker threads for `<bought>` tasks (piscina). One message carries every
 * `<bought>` of a query for one shard, so a query costs one round trip per
 * shard; results come back as roaring portable buffers, transferred.
 */
export class QueryPool {
  private readonly pool: Piscina;

  private constructor(readonly threads: number) {
    this.pool = new Piscina({ filename: WORKER_FILE, minThreads: threads, maxThreads: threads, idleTimeout: TUNING.POOL_IDLE_TIMEOUT_MS });
  }

  /** A pool when `threads > 0` and the compiled worker exists; otherwise undefined (evaluate in-process). */
  static create(threads: number): QueryPool | undefined {
    if (threads <= 0 || !fs.existsSync(WORKER_FILE)) return undefined;
    return new QueryPool(threads);
  }

  /** Runs the tasks of one shard in one message; results in task order. */
  async run(tasks: BoughtTask[], signal?: AbortSignal): Promise<{ members: Bitmap; timeMs: number }[]> {
    return decodeResults(await this.runEncoded(tasks, signal));
  }

  /**
   * As `run`, but the results still encoded (exec/protocol.ts): the
   * caller decodes them when its time slice allows (a worker's replies all
   * arrive in one go, so decoding them on arrival would be one long stretch).
   */
  async runEncoded(tasks: BoughtTask[], signal?: AbortSignal): Promise<ArrayBuffer> {
    return this.send(boughtRequest(tasks), signal);
  }

  /** One shard's `<score>` values (exec/protocol.ts ValuesRequest); the reply's buffer, decoded by the caller (decodeValues). */
  async runValues(task: ValuesTask, signal?: AbortSignal): Promise<ArrayBuffer> {
    return this.send(valuesRequest(task), signal);
  }

  /** One shard's portrait scan (exec/protocol.ts PortraitRequest); the reply's buffer (decodePortraitCounts). */
  async runPortrait(task: PortraitScanTask, signal?: AbortSignal): Promise<ArrayBuffer> {
    return this.send(portraitRequest(task), signal);
  }

  /** One shard's `<sequence>` tasks (exec/protocol.ts SequenceRequest); the reply's buffer (decodeResults). */
  async runSequences(tasks: SequenceTask[], signal?: AbortSignal): Promise<ArrayBuffer> {
    return this.send(sequenceRequest(tasks), signal);
  }

  /** One request as it is (tests send other versions); the reply's buffer, or the worker's ShandianError thrown. */
  async send(request: WorkerRequest, signal?: AbortSignal): Promise<ArrayBuffer> {
    return checkReply((await this.pool.run(request, { signal })) as WorkerReply);
  }

  /** Worker threads, for tests that kill one. */
  get workers(): readonly { terminate(): Promise<number> }[] {
    return this.pool.threads;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
