import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ShandianError } from '../model/errors.js';
import { AstBuilder, type AstEvent } from './ast-events.js';
import type { SegmentNode } from '../query/ast/index.js';
import { parseSegment, type ParseLimits } from '../language/parse-segment.js';
import { TUNING } from '../model/defaults.js';

/**
 * From this many characters a query text is parsed on a helper thread: the
 * XML parser's single synchronous pass costs about 1 ms per 7 KB here (a
 * 735 KB, 20,000-branch `<or>` took 100-250 ms), which would hold the calling
 * thread past the query's time slice. Smaller texts are parsed in place: the
 * round trip (about 1 ms) would cost more than it saves.
 */
export const PARSE_OFF_THREAD_CHARS = TUNING.PARSE_OFF_THREAD_CHARS;

/** The compiled worker; absent when running from TypeScript sources (then everything is parsed in place). */
const WORKER_FILE = fileURLToPath(new URL('./parse-worker.js', import.meta.url));

interface Pending {
  resolve(ast: SegmentNode): void;
  reject(e: unknown): void;
  xml: string;
  limits?: Partial<ParseLimits>;
  /** the AST so far, rebuilt from the batches received */
  tree?: AstBuilder;
  /** batches taken in: the helper sends the next one when this moves */
  acks: Int32Array;
}

/**
 * One helper thread per process, started on the first big query and
 * unref'd (it never keeps the process alive). If it fails, the queries it
 * held are parsed in place and the next big one starts a new thread.
 */
class ParseHelper {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  parse(xml: string, limits: Partial<ParseLimits> | undefined, signal: AbortSignal | undefined): Promise<SegmentNode> {
    const worker = this.start();
    const id = this.nextId++;
    const acks = new Int32Array(new SharedArrayBuffer(4));
    const result = new Promise<SegmentNode>((resolve, reject) => this.pending.set(id, { resolve, reject, xml, limits, acks }));
    worker.postMessage({ id, xml, limits, acks });
    worker.ref(); // a query waiting on it keeps the process alive, an idle helper does not
    if (!signal) return result;
    // an abort rejects at once; the helper's answer, when it comes, is dropped
    return new Promise<SegmentNode>((resolve, reject) => {
      const onAbort = () => {
        const p = this.pending.get(id);
        if (p) ack(p.acks, 1 << 30); // the helper stops sending
        this.pending.delete(id);
        this.idle();
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private idle(): void {
    if (this.pending.size === 0) this.worker?.unref();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_FILE);
    worker.unref();
    type Reply = { id: number; events?: AstEvent[]; done?: true; error?: { code: ShandianError['code']; reason: string; where: ShandianError['where']; hint?: string }; crash?: true };
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.events) {
        // one batch per message, so per turn of the event loop
        (p.tree ??= new AstBuilder()).add(m.events);
        // acknowledged on the next turn: a port also delivers, in the same go, what arrives while it delivers
        if (!m.done) return void setImmediate(ack, p.acks, 1);
      }
      this.pending.delete(m.id);
      this.idle();
      const ast = p.tree?.result;
      if (m.done && ast) p.resolve(ast);
      else if (m.error) p.reject(new ShandianError(m.error.code, m.error.reason, m.error.where, m.error.hint));
      else settleInPlace(p);
    });
    const fail = () => {
      if (this.worker === worker) this.worker = undefined;
      const held = [...this.pending.values()];
      this.pending.clear();
      held.forEach(settleInPlace);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    return (this.worker = worker);
  }
}

function ack(acks: Int32Array, n: number): void {
  Atomics.add(acks, 0, n);
  Atomics.notify(acks, 0);
}

function settleInPlace(p: Pending): void {
  try {
    p.resolve(parseSegment(p.xml, p.limits));
  } catch (e) {
    p.reject(e);
  }
}

let helper: ParseHelper | undefined;
const haveWorker = fs.existsSync(WORKER_FILE);

/**
 * parseSegment, on the helper thread for big texts (when the compiled
 * worker exists), in place otherwise. Same AST, same errors.
 */
export async function parseQueryText(xml: string, limits: Partial<ParseLimits> | undefined, signal?: AbortSignal): Promise<SegmentNode> {
  if (typeof xml !== 'string' || xml.length < PARSE_OFF_THREAD_CHARS || !haveWorker) return parseSegment(xml, limits);
  return (helper ??= new ParseHelper()).parse(xml, limits, signal);
}
