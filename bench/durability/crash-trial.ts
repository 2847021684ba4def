/**
 * kill -9 trials against a store: run bench/crash-writer in a child process,
 * SIGKILL it at a chosen moment after its first batch started, reopen the
 * store, and check that every acknowledged batch is there, none is invented,
 * each present batch is whole, and the store opened without help.
 * Used by test/log/crash.test.ts (a few trials) and bench/durability/crash-soak.ts (many).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src/index.js';
import { runAndKill } from '../common/kill-writer.js';

/** The compiled writer (tests run from TypeScript sources, the writer always from dist). */
const here = path.dirname(fileURLToPath(import.meta.url));
export const CRASH_WRITER = here.endsWith(path.join('dist', 'bench', 'durability'))
  ? path.join(here, 'crash-writer.js')
  : path.resolve(here, '../../dist/bench/durability/crash-writer.js');

export interface TrialOutcome {
  acked: number;
  present: number;
  orders: number;
}

/** Batch sizes of every batch known durable so far, across trials on one store. */
export type KnownBatches = Map<number, number>;

async function runWriter(dir: string, seed: number, killAfterMs: number) {
  const started = new Map<number, number>(), acked = new Map<number, number>();
  await runAndKill(CRASH_WRITER, [dir, String(seed)], killAfterMs, ([kind, batch, size]) => {
    (kind === 'ack' ? acked : started).set(Number(batch), Number(size));
  });
  return { started, acked };
}

/** One trial; throws an Error describing the first violation. */
export async function crashTrial(dir: string, seed: number, killAfterMs: number, known: KnownBatches): Promise<TrialOutcome> {
  const { started, acked } = await runWriter(dir, seed, killAfterMs);
  const engine = await Engine.open({ dir, threads: 0 });
  try {
    const present = engine.size.customers; // one customer per batch, numbered densely
    for (const [b, size] of acked) known.set(b, size);
    const lastAcked = Math.max(-1, ...known.keys());
    if (present < lastAcked + 1) throw new Error(`lost acknowledged batches: ${present} present, ${lastAcked + 1} acknowledged`);
    if (present > lastAcked + 2) throw new Error(`invented batches: ${present} present, at most ${lastAcked + 2} possible`);
    if (present === lastAcked + 2) known.set(lastAcked + 1, started.get(lastAcked + 1)!);
    let orders = 0;
    for (let b = 0; b < present; b++) orders += known.get(b)!;
    if (engine.size.orders !== orders) throw new Error(`a batch is not whole: ${engine.size.orders} orders, expected ${orders}`);
    const s3 = (await engine.query('<segment><bought sku="S3"/></segment>')).count;
    const expectedS3 = [...Array(present).keys()].filter((b) => known.get(b)! > 3).length;
    if (s3 !== expectedS3) throw new Error(`query answers ${s3}, expected ${expectedS3}`);
    return { acked: lastAcked + 1, present, orders };
  } finally {
    await engine.close();
  }
}
