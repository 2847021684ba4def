/**
 * Runs record-fuzz cases in a worker thread so that the supervisor
 * (harness.ts) can end a case that never settles, even one stuck in a loop,
 * by terminating the worker and starting a fresh one after that case.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RecordFuzzer } from './harness.js';

export interface RecordCaseResult {
  index: number;
  ms: number;
  format: string;
  problem?: string;
  code?: string;
  input?: Uint8Array;
}

const { seed, from, to } = workerData as { seed: number; from: number; to: number };
const fuzzer = await RecordFuzzer.create();
try {
  for (let index = from; index < to; index++) {
    const { format, bytes } = fuzzer.input(seed, index);
    parentPort!.postMessage({ started: index });
    const t0 = performance.now();
    const r = await fuzzer.check(format, bytes, index % 2 === 0);
    let ms = performance.now() - t0;
    if (!r.problem && ms > 1000) {
      // over the limit once may be a busy machine: it counts when it is slow twice
      const t1 = performance.now();
      await fuzzer.check(format, bytes, index % 2 === 0);
      ms = Math.min(ms, performance.now() - t1);
    }
    const result: RecordCaseResult = { index, ms, format, ...r, ...(r.problem || ms > 1000 ? { input: bytes } : {}) };
    parentPort!.postMessage(result);
  }
} finally {
  await fuzzer.close();
}
parentPort!.postMessage({ done: true });
