/**
 * Piscina worker: runs the `<bought>` tasks of one query on one shard over
 * shared shard columns. It holds no store state beyond per-shard scratch
 * buffers, so a worker that dies is simply replaced: the data lives in the
 * main thread's SharedArrayBuffers.
 */
import { Piscina } from 'piscina';
import type { BoughtTask } from './bought-task.js';
import { encodeResults } from './bought-results.js';
import { runBought } from './eval-bought.js';
import { Scratch } from './scratch.js';

const scratchByShard = new Map<string, Scratch>();

/** Runs every task in order; the results travel as one transferred buffer (see bought-results.ts). */
export default function runBoughtTasks(tasks: BoughtTask[]): ArrayBuffer {
  const results = tasks.map((task) => {
    const started = performance.now();
    let scratch = scratchByShard.get(task.shardKey);
    if (!scratch) scratchByShard.set(task.shardKey, (scratch = new Scratch()));
    const members = runBought(task, scratch);
    return { members, timeMs: performance.now() - started };
  });
  return Piscina.move(encodeResults(results)) as ArrayBuffer;
}
