/**
 * Piscina worker: runs the `<bought>` tasks of one query on one shard over
 * shared shard columns. It holds no store state beyond per-shard scratch
 * buffers, so a worker that dies is simply replaced: the data lives in the
 * main thread's SharedArrayBuffers.
 */
import { Piscina } from 'piscina';
import { ShandianError } from '../model/errors.js';
import { checkRequest, encodeResults, errorReply, type WorkerReply, type WorkerRequest } from './protocol.js';
import { runBought } from './eval-bought.js';
import { Scratch } from './scratch.js';

const scratchByShard = new Map<string, Scratch>();

/**
 * Runs a request's tasks in order (exec/protocol.ts): the results travel as
 * one transferred buffer; a ShandianError as an error reply, so it arrives
 * with its code and hint.
 */
export default function runWorkerRequest(request: WorkerRequest): WorkerReply {
  try {
    return runBoughtTasks(checkRequest(request).tasks);
  } catch (e) {
    if (e instanceof ShandianError) return errorReply(e);
    throw e;
  }
}

function runBoughtTasks(tasks: WorkerRequest['tasks']): ArrayBuffer {
  const results = tasks.map((task) => {
    const started = performance.now();
    let scratch = scratchByShard.get(task.shardKey);
    if (!scratch) scratchByShard.set(task.shardKey, (scratch = new Scratch()));
    const members = runBought(task, scratch);
    return { members, timeMs: performance.now() - started };
  });
  return Piscina.move(encodeResults(results)) as ArrayBuffer;
}
