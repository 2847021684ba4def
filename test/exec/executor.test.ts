import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { TimeSlice } from '../../src/engine/time-slice.js';
import { generate } from '../../src/gen/index.js';
import type { BoughtTask } from '../../src/exec/bought-task.js';
import { DayBucketCache } from '../../src/exec/day-buckets.js';
import { runBought } from '../../src/exec/eval-bought.js';
import { DayBucketShards, type ExecutionQuery, type Executor } from '../../src/exec/executor.js';
import { InProcessExecutor } from '../../src/exec/in-process-executor.js';
import { PoolExecutor, type WorkerPool } from '../../src/exec/pool-executor.js';
import { encodeResults } from '../../src/exec/protocol.js';
import { Scratch } from '../../src/exec/scratch.js';
import { boughtNodes, ShardEvaluation } from '../../src/language/evaluate.js';
import type { InputRecord } from '../../src/model/records.js';
import type { Store } from '../../src/store/store.js';

/** Runs a pool's messages on this thread, as a worker would (protocol.ts replies). */
class FakePool implements WorkerPool {
  readonly workers = [];
  messages = 0;
  async runEncoded(tasks: BoughtTask[]): Promise<ArrayBuffer> {
    this.messages++;
    return encodeResults(tasks.map((t) => ({ members: runBought(t, new Scratch()), timeMs: 0 })));
  }
  async close(): Promise<void> {}
}

const ASOF = Date.parse('2026-11-30T23:59:59+08:00');
const QUERIES = [
  '<segment><bought last="365d" minAmount="3000"/></segment>',
  '<segment><bought last="1000d"/></segment>', // wide, unfiltered: a complement task
  '<segment><bought category="skincare" last="90d" minCount="2"/><not><bought category="skincare" last="30d"/></not></segment>',
  '<segment><or>' + Array.from({ length: 30 }, (_, i) => `<bought sku="SKU-${String(i * 3).padStart(6, '0')}" last="${30 + i * 7}d"/>`).join('') + '</or></segment>',
];

async function answers(engine: Engine, executor: Executor): Promise<number[][]> {
  const store = (engine as unknown as { store: Store }).store;
  const out: number[][] = [];
  for (const xml of QUERIES) {
    const plan = (engine as unknown as { plan(ast: unknown, asOf: number, tz: string): ExecutionQuery['plan'] }).plan(
      (await import('../../src/language/parse-segment.js')).parseSegment(xml), ASOF, 'UTC');
    const evaluations = store.shards.map((shard) => new ShardEvaluation(plan, shard, store.catalog, undefined, executor.dayBuckets(shard)));
    const members = await executor.run({
      plan, boughtNodes: boughtNodes(plan), shards: store.shards, catalog: store.catalog, evaluations,
      signal: undefined, stats: undefined, slice: new TimeSlice(), poolError: (e) => e,
    });
    out.push(members.map((m) => m.size));
  }
  return out;
}

describe('executors (src/exec/executor.ts)', () => {
  it('in-process and pool executors give the same members on every shard; the gate is left balanced', async () => {
    const engine = await Engine.open({ shards: 3, threads: 0 });
    try {
      await engine.append([...generate({ orders: 6_000, seed: 5 })] as InputRecord[]);
      const store = (engine as unknown as { store: Store }).store;
      const days = () => new DayBucketShards(0, store.shards.length, undefined, (b, r) => new DayBucketCache(b, r));
      const inProcess = await answers(engine, new InProcessExecutor(days()));
      const pool = new FakePool();
      let open = 0, entered = 0;
      const gate = { enter: () => (open++, entered++, true), exit: () => void open-- };
      const pooled = await answers(engine, new PoolExecutor(pool, gate, days(), { poolMinLines: 0, poolMinComplement: 0, instance: 99 }));
      expect(pooled).toEqual(inProcess);
      expect(inProcess.flat().some((n) => n > 0)).toBe(true);
      expect(pool.messages).toBeGreaterThan(0); // the pool path ran
      expect(entered).toBeGreaterThan(0); // a complement task went through the gate
      expect(open).toBe(0);
      // above poolMinLines nothing goes to the pool: evaluated here, same answers
      const idle = new FakePool();
      expect(await answers(engine, new PoolExecutor(idle, gate, days(), { poolMinLines: Number.MAX_SAFE_INTEGER, poolMinComplement: 0, instance: 99 }))).toEqual(inProcess);
      expect(idle.messages).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
