import { Bitmap } from '../index/bitmap.js';
import { fail, ShandianError, type ErrorCode, type ErrorLocation } from '../model/errors.js';
import type { BoughtTask } from './bought-task.js';
import type { ShardValues, ValuesTask } from './score-values.js';
import type { PortraitCounts, PortraitScanTask } from './portrait-scan.js';
import type { SequenceTask } from './sequence-task.js';

/**
 * The protocol between the calling thread and the query workers, all of it:
 * the requests (a tagged union of task kinds), the reply buffer's layout and
 * how errors cross. Both sides check PROTOCOL_VERSION: the worker refuses a
 * request of another version, the caller a reply of another version (a
 * worker file left from another build), each with E_INTERNAL.
 *
 * Complement tasks (BoughtTask.complement: live per-customer totals minus
 * the orders outside a window) DO run in workers, above poolMinComplement
 * values read, while the totals gate (engine/totals-gate.ts) holds appends
 * back; below it they run on the calling thread.
 */
export const PROTOCOL_VERSION = 5;

/** One message to a worker: every task of one kind for one shard. */
export type WorkerRequest = BoughtRequest | ValuesRequest | PortraitRequest | SequenceRequest;

/** The `<bought>` tasks of one shard (exec/bought-task.ts), run in order by exec/bought-worker.ts. */
export interface BoughtRequest {
  kind: 'bought';
  version: number;
  tasks: BoughtTask[];
}

/**
 * What a worker answers: the results as one transferred buffer (layout at
 * encodeResults), or the ShandianError it threw, as plain data (structured
 * clone keeps an Error's message but not its class, code or hint).
 */
export type WorkerReply = ArrayBuffer | ErrorReply;

export interface ErrorReply {
  kind: 'error';
  version: number;
  code: ErrorCode;
  reason: string;
  where: ErrorLocation;
  hint?: string;
}

/** One shard's `<score>` values (exec/score-values.ts), answered as encodeValues lays them out. */
export interface ValuesRequest {
  kind: 'values';
  version: number;
  task: ValuesTask;
}

export function valuesRequest(task: ValuesTask): ValuesRequest {
  return { kind: 'values', version: PROTOCOL_VERSION, task };
}

/**
 * A shard's values in one ArrayBuffer (transferred, then read in place):
 *
 *     [1 u32][PROTOCOL_VERSION u32][wide u32][count u32][customers u32][0 u32][timeMs f64]
 *     then byCustomer (customers values), padded to 8, then sorted (count values)
 *
 * little-endian; values are u32, or f64 when wide (a sum past 2^32 - 2).
 */
export function encodeValues(values: ShardValues, timeMs: number): ArrayBuffer {
  const wide = values.byCustomer instanceof Float64Array;
  const size = wide ? 8 : 4;
  const customers = values.byCustomer.length, count = values.sorted.length;
  const sortedAt = VALUES_HEAD + Math.ceil((customers * size) / 8) * 8;
  const out = new ArrayBuffer(sortedAt + count * size);
  const view = new DataView(out);
  view.setUint32(0, 1, true);
  view.setUint32(4, PROTOCOL_VERSION, true);
  view.setUint32(8, wide ? 1 : 0, true);
  view.setUint32(12, count, true);
  view.setUint32(16, customers, true);
  view.setFloat64(24, timeMs, true);
  const Values = wide ? Float64Array : Uint32Array;
  new Values(out, VALUES_HEAD, customers).set(values.byCustomer);
  new Values(out, sortedAt, count).set(values.sorted);
  return out;
}

/** The values encodeValues laid out, as views over the buffer (the version is checked by checkReply). */
export function decodeValues(buffer: ArrayBuffer): { values: ShardValues; timeMs: number } {
  const view = new DataView(buffer);
  const wide = view.getUint32(8, true) === 1;
  const count = view.getUint32(12, true), customers = view.getUint32(16, true);
  const size = wide ? 8 : 4;
  const sortedAt = VALUES_HEAD + Math.ceil((customers * size) / 8) * 8;
  const Values = wide ? Float64Array : Uint32Array;
  return { values: { byCustomer: new Values(buffer, VALUES_HEAD, customers), sorted: new Values(buffer, sortedAt, count) }, timeMs: view.getFloat64(24, true) };
}

const VALUES_HEAD = 32;

/** One shard's scan for a portrait's order dimension (exec/portrait-scan.ts), answered as encodePortraitCounts lays it out. */
export interface PortraitRequest {
  kind: 'portrait';
  version: number;
  task: PortraitScanTask;
}

export function portraitRequest(task: PortraitScanTask): PortraitRequest {
  return { kind: 'portrait', version: PROTOCOL_VERSION, task };
}

/**
 * A portrait scan's counts in one ArrayBuffer (transferred, then read in place):
 *
 *     [2 u32][PROTOCOL_VERSION u32][values u32][0 u32][timeMs f64]
 *     then customers, orders and cents, `values` f64 each
 */
export function encodePortraitCounts(counts: PortraitCounts, timeMs: number): ArrayBuffer {
  const values = counts.customers.length;
  const out = new ArrayBuffer(PORTRAIT_HEAD + 3 * values * 8);
  const view = new DataView(out);
  view.setUint32(0, 2, true);
  view.setUint32(4, PROTOCOL_VERSION, true);
  view.setUint32(8, values, true);
  view.setFloat64(16, timeMs, true);
  new Float64Array(out, PORTRAIT_HEAD, values).set(counts.customers);
  new Float64Array(out, PORTRAIT_HEAD + values * 8, values).set(counts.orders);
  new Float64Array(out, PORTRAIT_HEAD + 2 * values * 8, values).set(counts.cents);
  return out;
}

/** The counts encodePortraitCounts laid out, as views over the buffer (the version is checked by checkReply). */
export function decodePortraitCounts(buffer: ArrayBuffer): { counts: PortraitCounts; timeMs: number } {
  const view = new DataView(buffer);
  const values = view.getUint32(8, true);
  const at = (i: number) => new Float64Array(buffer, PORTRAIT_HEAD + i * values * 8, values);
  return { counts: { customers: at(0), orders: at(1), cents: at(2) }, timeMs: view.getFloat64(16, true) };
}

const PORTRAIT_HEAD = 24;

/** The `<sequence>` tasks of one shard (exec/sequence-task.ts); the reply is laid out as encodeResults lays out `<bought>`'s. */
export interface SequenceRequest {
  kind: 'sequence';
  version: number;
  tasks: SequenceTask[];
}

export function sequenceRequest(tasks: SequenceTask[]): SequenceRequest {
  return { kind: 'sequence', version: PROTOCOL_VERSION, tasks };
}

export function boughtRequest(tasks: BoughtTask[]): BoughtRequest {
  return { kind: 'bought', version: PROTOCOL_VERSION, tasks };
}

/** The worker's side: a request's version checked (E_INTERNAL otherwise). */
export function checkRequest(request: WorkerRequest): WorkerRequest {
  if (request?.version !== PROTOCOL_VERSION) {
    throw fail.internal(`a worker request of protocol version ${String(request?.version)} reached a worker of version ${PROTOCOL_VERSION}`);
  }
  return request;
}

/** The worker's side: a ShandianError as a reply (other errors are thrown: piscina passes them as they are). */
export function errorReply(e: ShandianError): ErrorReply {
  return { kind: 'error', version: PROTOCOL_VERSION, code: e.code, reason: e.reason, where: { ...e.where }, hint: e.hint };
}

/**
 * The caller's side: the results buffer of a reply, its version checked;
 * an error reply is thrown as the ShandianError the worker threw (same code,
 * reason, location and hint).
 */
export function checkReply(reply: WorkerReply): ArrayBuffer {
  if (reply instanceof ArrayBuffer) {
    const version = reply.byteLength >= 8 ? new DataView(reply).getUint32(4, true) : undefined;
    if (version !== PROTOCOL_VERSION) {
      throw fail.internal(`a worker reply of protocol version ${String(version)} reached a caller of version ${PROTOCOL_VERSION}`);
    }
    return reply;
  }
  if (reply?.kind === 'error') {
    if (reply.version !== PROTOCOL_VERSION) {
      throw fail.internal(`a worker error of protocol version ${String(reply.version)} reached a caller of version ${PROTOCOL_VERSION}: ${reply.code}: ${reply.reason}`);
    }
    throw new ShandianError(reply.code, reply.reason, reply.where, reply.hint);
  }
  throw fail.internal(`a worker replied with neither results nor an error (${typeof reply})`);
}

/**
 * The results of N tasks, in one ArrayBuffer so it is transferred with a
 * single move:
 *
 *     [N u32][PROTOCOL_VERSION u32][timeMs f64 x N][byteLength u32 x N]
 *     (padded to 8) then N roaring portable bitmaps back to back
 *
 * little-endian; result i is task i's members and time in the worker.
 */
export function encodeResults(results: readonly { members: Bitmap; timeMs: number }[]): ArrayBuffer {
  const n = results.length;
  const sizes = results.map((r) => r.members.getSerializationSizeInBytes('portable'));
  const head = 8 + 8 * n + 4 * n;
  const start = Math.ceil(head / 8) * 8;
  const out = new ArrayBuffer(start + sizes.reduce((a, b) => a + b, 0));
  const view = new DataView(out);
  view.setUint32(0, n, true);
  view.setUint32(4, PROTOCOL_VERSION, true);
  let at = start;
  results.forEach((r, i) => {
    view.setFloat64(8 + 8 * i, r.timeMs, true);
    view.setUint32(8 + 8 * n + 4 * i, sizes[i]!, true);
    r.members.serialize('portable', new Uint8Array(out, at, sizes[i]!));
    at += sizes[i]!;
  });
  return out;
}

/** The results encodeResults laid out, in task order (the version is checked by checkReply). */
export function decodeResults(buffer: ArrayBuffer): { members: Bitmap; timeMs: number }[] {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const start = Math.ceil((8 + 12 * n) / 8) * 8;
  const out: { members: Bitmap; timeMs: number }[] = [];
  let at = start;
  for (let i = 0; i < n; i++) {
    const size = view.getUint32(8 + 8 * n + 4 * i, true);
    out.push({ members: Bitmap.deserialize(new Uint8Array(buffer, at, size), 'portable'), timeMs: view.getFloat64(8 + 8 * i, true) });
    at += size;
  }
  return out;
}
