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
import { runSequenceToEnd, type SequenceTask } from '../../src/exec/sequence-task.js';
import { boughtNodes, sequenceNodes, ShardEvaluation } from '../../src/language/evaluate.js';
import { parseSegment } from '../../src/language/parse-segment.js';
import type { InputRecord } from '../../src/model/records.js';
import type { Store } from '../../src/store/store.js';

/** Runs a pool's messages on this thread, as a worker would (protocol.ts replies). */
class FakePool implements WorkerPool {
  readonly workers = [];
  sequenceMessages = 0;
  async runEncoded(tasks: BoughtTask[]): Promise<ArrayBuffer> {
    return encodeResults(tasks.map((t) => ({ members: runBought(t, new Scratch()), timeMs: 0 })));
  }
  async runSequences(tasks: SequenceTask[]): Promise<ArrayBuffer> {
    this.sequenceMessages++;
    // a worker gets the tasks by structured clone: the shared columns stay shared, the rest is copied
    return encodeResults(structuredClone(tasks).map((t) => ({ members: runSequenceToEnd(t), timeMs: 0 })));
  }
  async close(): Promise<void> {}
}

const ASOF = Date.parse('2026-11-30T23:59:59+08:00');
const QUERIES = [
  '<sequence within="30d"><step category="phones"/><step category="phone-accessories"/></sequence>',
  '<sequence within="30d"><step category="phones"/><absent category="phone-accessories"/></sequence>',
  '<sequence within="7d" last="180d"><step/><step category="snacks"/><step/></sequence>',
  '<tag name="vip"/><sequence within="2w"><step category="skincare"/><absent category="skincare"/></sequence>',
  '<or><bought category="phones" last="30d"/><sequence within="1d"><step shop="jd"/><step shop="tmall-flagship"/></sequence></or>',
  '<sequence within="30d"><step sku="no-such-sku"/><step/></sequence>',
];

async function answers(engine: Engine, executor: Executor): Promise<number[][]> {
  const store = (engine as unknown as { store: Store }).store;
  const out: number[][] = [];
  for (const body of QUERIES) {
    const plan = (engine as unknown as { plan(ast: unknown, asOf: number, tz: string): ExecutionQuery['plan'] }).plan(parseSegment(`<segment>${body}</segment>`), ASOF, 'UTC');
    const evaluations = store.shards.map((shard) => new ShardEvaluation(plan, shard, store.catalog, undefined, executor.dayBuckets(shard)));
    const members = await executor.run({
      plan, boughtNodes: boughtNodes(plan), sequenceNodes: sequenceNodes(plan), shards: store.shards, catalog: store.catalog, evaluations,
      signal: undefined, stats: undefined, slice: new TimeSlice(), poolError: (e) => e,
    });
    out.push(members.map((m) => m.size));
  }
  return out;
}

describe('<sequence> in the pool executor', () => {
  it('its tasks go to the workers (above poolMinLines) and give the in-process members on every shard', async () => {
    const engine = await Engine.open({ shards: 3, threads: 0 });
    try {
      await engine.append([...generate({ orders: 8_000, seed: 11 })] as InputRecord[]);
      const store = (engine as unknown as { store: Store }).store;
      const days = () => new DayBucketShards(0, store.shards.length, undefined, (b, r) => new DayBucketCache(b, r));
      const gate = { enter: () => true, exit: () => undefined };
      const inProcess = await answers(engine, new InProcessExecutor(days()));
      expect(inProcess.flat().filter((n) => n > 0).length).toBeGreaterThan(6);
      const pool = new FakePool();
      expect(await answers(engine, new PoolExecutor(pool, gate, days(), { poolMinLines: 0, poolMinComplement: 0, instance: 5 }))).toEqual(inProcess);
      expect(pool.sequenceMessages).toBeGreaterThan(0);
      const idle = new FakePool();
      expect(await answers(engine, new PoolExecutor(idle, gate, days(), { poolMinLines: Number.MAX_SAFE_INTEGER, poolMinComplement: 0, instance: 5 }))).toEqual(inProcess);
      expect(idle.sequenceMessages).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
