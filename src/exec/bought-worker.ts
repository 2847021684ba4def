/**
 * Piscina worker: runs the `<bought>` tasks of one query on one shard over
 * shared shard columns. It holds no store state beyond per-shard scratch
 * buffers, so a worker that dies is simply replaced: the data lives in the
 * main thread's SharedArrayBuffers.
 */
import { Piscina } from 'piscina';
import { ShandianError } from '../model/errors.js';
import { checkRequest, encodePortraitCounts, encodeResults, encodeValues, errorReply, type WorkerReply, type WorkerRequest } from './protocol.js';
import { scanValues, type ValuesTask } from './score-values.js';
import { runPortraitScan, type PortraitScanTask } from './portrait-scan.js';
import { runBought } from './eval-bought.js';
import { runSequenceToEnd, type SequenceTask } from './sequence-task.js';
import { Scratch } from './scratch.js';
import type { BoughtTask } from './bought-task.js';

const scratchByShard = new Map<string, Scratch>();

/**
 * Runs a request's tasks in order (exec/protocol.ts): the results travel as
 * one transferred buffer; a ShandianError as an error reply, so it arrives
 * with its code and hint.
 */
export default function runWorkerRequest(request: WorkerRequest): WorkerReply {
  try {
    const checked = checkRequest(request);
    if (checked.kind === 'portrait') return runPortraitTask(checked.task);
    if (checked.kind === 'sequence') return runSequenceTasks(checked.tasks);
    return checked.kind === 'values' ? runValuesTask(checked.task) : runBoughtTasks(checked.tasks);
  } catch (e) {
    if (e instanceof ShandianError) return errorReply(e);
    throw e;
  }
}

/** A `<score>`'s values on one shard (exec/score-values.ts), scanned to the end: no pauses needed here. */
function runValuesTask(task: ValuesTask): ArrayBuffer {
  const started = performance.now();
  const steps = scanValues(task);
  let next = steps.next();
  while (!next.done) next = steps.next();
  return Piscina.move(encodeValues(next.value, performance.now() - started)) as ArrayBuffer;
}

/** A portrait's order scan on one shard (exec/portrait-scan.ts), to the end. */
function runPortraitTask(task: PortraitScanTask): ArrayBuffer {
  const started = performance.now();
  return Piscina.move(encodePortraitCounts(runPortraitScan(task), performance.now() - started)) as ArrayBuffer;
}

/** A shard's `<sequence>` tasks (exec/sequence-task.ts), each to its end; results as `<bought>`'s. */
function runSequenceTasks(tasks: SequenceTask[]): ArrayBuffer {
  const results = tasks.map((task) => {
    const started = performance.now();
    const members = runSequenceToEnd(task);
    return { members, timeMs: performance.now() - started };
  });
  return Piscina.move(encodeResults(results)) as ArrayBuffer;
}

function runBoughtTasks(tasks: BoughtTask[]): ArrayBuffer {
  const results = tasks.map((task) => {
    const started = performance.now();
    let scratch = scratchByShard.get(task.shardKey);
    if (!scratch) scratchByShard.set(task.shardKey, (scratch = new Scratch()));
    const members = runBought(task, scratch);
    return { members, timeMs: performance.now() - started };
  });
  return Piscina.move(encodeResults(results)) as ArrayBuffer;
}
