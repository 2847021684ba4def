/**
 * Runs fuzz cases of one kind in a worker thread so that the supervisor
 * (harness.ts) can end a case that never settles, even one stuck in a loop or
 * a query that runs for minutes, by terminating the worker and starting a
 * fresh one after that case.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CASE_LIMIT_MS, QueryFuzzer, RecordFuzzer, type CaseResult, type Kind } from './harness.js';

const { kind, seed, from, to, scratch } = workerData as { kind: Kind; seed: number; from: number; to: number; scratch?: string };

interface Runner {
  run(index: number): Promise<{ problem?: string; code?: string; format?: string; input: Uint8Array; text?: string }>;
  close(): Promise<void>;
}

async function makeRunner(): Promise<Runner> {
  if (kind === 'query') {
    const q = await QueryFuzzer.create();
    return {
      async run(index) {
        const xml = q.input(seed, index);
        const r = await q.check(xml, index % 16 === 0);
        if (!r.problem && index % 64 === 0) {
          const bad = await q.checkBought();
          if (bad) r.problem = bad;
        }
        return { ...r, input: new TextEncoder().encode(xml), text: xml };
      },
      close: () => q.close(),
    };
  }
  const f = await RecordFuzzer.create(scratch);
  return {
    async run(index) {
      const { format, bytes } = f.input(seed, index);
      return { ...(await f.check(format, bytes, index % 2 === 0, index)), format, input: bytes };
    },
    close: () => f.close(),
  };
}

const runner = await makeRunner();
try {
  for (let index = from; index < to; index++) {
    parentPort!.postMessage({ started: index });
    const t0 = performance.now();
    let r = await runner.run(index);
    let ms = performance.now() - t0;
    if (!r.problem && ms > CASE_LIMIT_MS) {
      // over the limit once may be a busy machine: it counts when it is slow twice
      const t1 = performance.now();
      r = await runner.run(index);
      ms = Math.min(ms, performance.now() - t1);
    }
    const slow = r.problem !== undefined || ms > CASE_LIMIT_MS;
    const result: CaseResult = {
      index,
      ms,
      ...(r.format ? { format: r.format } : {}),
      ...(r.problem ? { problem: r.problem } : {}),
      ...(r.code ? { code: r.code } : {}),
      ...(slow ? { input: r.input, ...(r.text !== undefined ? { text: r.text } : {}) } : {}),
    };
    parentPort!.postMessage(result);
  }
} finally {
  await runner.close();
}
parentPort!.postMessage({ done: true });
