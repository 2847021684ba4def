/**
 * Piscina worker: runs `<bought>` tasks over shared shard columns. It holds
 * no store state beyond per-shard scratch buffers, so a worker that dies is
 * simply replaced: the data lives in the main thread's SharedArrayBuffers.
 */
import { Piscina } from 'piscina';
import type { BoughtTask } from './bought-task.js';
import { runBought } from './eval-bought.js';
import { Scratch } from './scratch.js';

const scratchByShard = new Map<string, Scratch>();

/** Returns an ArrayBuffer: [timeMs f64][roaring portable bytes], transferred, not copied. */
export default function runBoughtTask(task: BoughtTask): ArrayBuffer {
  const started = performance.now();
  let scratch = scratchByShard.get(task.shardKey);
  if (!scratch) scratchByShard.set(task.shardKey, (scratch = new Scratch()));
  const bitmap = runBought(task, scratch);
  const size = bitmap.getSerializationSizeInBytes('portable');
  const out = new ArrayBuffer(8 + size);
  bitmap.serialize('portable', new Uint8Array(out, 8, size));
  new Float64Array(out, 0, 1)[0] = performance.now() - started;
  return Piscina.move(out) as ArrayBuffer;
}
