import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { TimeSlice } from '../../src/engine/time-slice.js';
import { generate } from '../../src/gen/index.js';
import type { BoughtTask } from '../../src/exec/bought-task.js';
import runWorkerRequest from '../../src/exec/bought-worker.js';
import { DayBucketCache } from '../../src/exec/day-buckets.js';
import { runBought } from '../../src/exec/eval-bought.js';
import { DayBucketShards, runPrefetchHere, type ExecutionQuery } from '../../src/exec/executor.js';
import { InProcessExecutor } from '../../src/exec/in-process-executor.js';
import { PoolExecutor, type WorkerPool } from '../../src/exec/pool-executor.js';
import { checkReply, decodeValues, encodeResults, encodeValues, PROTOCOL_VERSION, valuesRequest, type WorkerReply } from '../../src/exec/protocol.js';
import { Scratch } from '../../src/exec/scratch.js';
import { prepareValues, scanValues, type ValuesTask, type ValueKind } from '../../src/exec/score-values.js';
import { boughtNodes, prefetchWork, ShardEvaluation } from '../../src/language/evaluate.js';
import { parseSegment } from '../../src/language/parse-segment.js';
import type { InputRecord } from '../../src/model/records.js';
import type { Store } from '../../src/store/store.js';

/** The worker function's reply as the caller receives it (Piscina.move wraps a transferred buffer until it crosses). */
const reply = (r: unknown): ArrayBuffer => checkReply(((r as Record<symbol, unknown>)[Piscina.valueSymbol] ?? r) as WorkerReply);

const run = <T>(steps: Generator<void, T>): T => {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
};

/** Runs the pool's messages on this thread through the worker function itself (protocol.ts requests and replies). */
class FakePool implements WorkerPool {
  readonly workers = [];
  values = 0;
  async runEncoded(tasks: BoughtTask[]): Promise<ArrayBuffer> {
    return encodeResults(tasks.map((t) => ({ members: runBought(t, new Scratch()), timeMs: 0 })));
  }
  async runValues(task: ValuesTask): Promise<ArrayBuffer> {
    this.values++;
    // as structured clone would: a copy of the task's plain data
    return reply(runWorkerRequest(valuesRequest(structuredClone(task))));
  }
  async close(): Promise<void> {}
}

describe('<score> values across the worker protocol', () => {
  it('encode/decode round-trips 4- and 8-byte values, with the version', () => {
    const small = { byCustomer: Uint32Array.of(5, 0xffffffff, 7), sorted: Uint32Array.of(5, 7) };
    const buffer = encodeValues(small, 1.5);
    expect(new DataView(buffer).getUint32(4, true)).toBe(PROTOCOL_VERSION);
    const back = decodeValues(checkReply(buffer));
    expect(back.timeMs).toBe(1.5);
    expect(back.values.byCustomer).toBeInstanceOf(Uint32Array);
    expect([...back.values.byCustomer]).toEqual([5, 0xffffffff, 7]);
    expect([...back.values.sorted]).toEqual([5, 7]);
    const wide = { byCustomer: Float64Array.of(Number.NaN, 5e12, 3), sorted: Float64Array.of(3, 5e12) };
    const w = decodeValues(checkReply(encodeValues(wide, 0))).values;
    expect(w.byCustomer).toBeInstanceOf(Float64Array);
    expect([...w.byCustomer]).toEqual([Number.NaN, 5e12, 3]);
    expect([...w.sorted]).toEqual([3, 5e12]);
  });

  it('a worker computes the values the calling thread computes (every kind, order and line tasks)', async () => {
    const engine = await Engine.open({ shards: 2, threads: 0 });
    try {
      await engine.append([...generate({ orders: 4_000, seed: 9 })] as InputRecord[]);
      const store = (engine as unknown as { store: Store }).store;
      const hi = Math.floor(Date.parse('2026-11-30T23:59:59+08:00') / 1000);
      let compared = 0, nonEmpty = 0;
      for (const shard of store.shards) {
        for (const by of ['recency', 'frequency', 'monetary', 'quantity'] as ValueKind[]) {
          for (const filters of [{}, { categories: ['skincare', 'snacks'] }, { shops: ['jd', 'douyin'] }]) {
            const task = prepareValues({ by, ...filters, lo: hi - 200 * 86_400, hi }, shard, store.catalog, { complement: false });
            const here = run(scanValues(task));
            const there = decodeValues(reply(runWorkerRequest(valuesRequest(structuredClone(task))))).values;
            expect([...there.byCustomer]).toEqual([...here.byCustomer]);
            expect([...there.sorted]).toEqual([...here.sorted]);
            if (here.sorted.length > 0) nonEmpty++;
            compared++;
          }
        }
      }
      expect(compared).toBe(24);
      expect(nonEmpty).toBeGreaterThan(12);
    } finally {
      await engine.close();
    }
  });

  it('the pool executor runs the whole-store phase in the pool; the answers are the in-process ones', async () => {
    const engine = await Engine.open({ shards: 3, threads: 0 });
    try {
      await engine.append([...generate({ orders: 5_000, seed: 4 })] as InputRecord[]);
      const store = (engine as unknown as { store: Store }).store;
      const asOf = Date.parse('2026-11-30T23:59:59+08:00');
      const queries = [
        '<segment><score by="recency" last="200d" min="4"/><score by="quantity" category="snacks" min="3"/></segment>',
        '<segment><score by="monetary" shop="jd" scale="10" min="8"/><bought category="skincare" last="90d"/></segment>',
        '<segment><score by="frequency" category="skincare" cuts="1,2,3" min="2"/></segment>',
      ];
      const days = () => new DayBucketShards(0, store.shards.length, undefined, (b, r) => new DayBucketCache(b, r));
      const gate = { enter: () => true, exit: () => undefined };
      for (const xml of queries) {
        const plan = (engine as unknown as { plan(ast: unknown, asOf: number, tz: string): ExecutionQuery['plan'] }).plan(parseSegment(xml), asOf, 'UTC');
        const answer = async (executor: InProcessExecutor | PoolExecutor) => {
          const evaluations = store.shards.map((shard) => new ShardEvaluation(plan, shard, store.catalog, undefined, undefined, store.shards));
          const members = await executor.run({
            plan, boughtNodes: boughtNodes(plan), shards: store.shards, catalog: store.catalog, evaluations,
            signal: undefined, stats: undefined, slice: new TimeSlice(), poolError: (e) => e, prefetch: prefetchWork(plan, store.shards, store.catalog),
          });
          return members.map((m) => [...m.toArray()]);
        };
        const here = await answer(new InProcessExecutor(days()));
        // a new state: nothing cached, so the pool has work
        await engine.append([{ type: 'order', order_id: `bump-${xml.length}`, customer_id: 'bump', ts: '2020-01-01T00:00:00Z', shop: 's', status: 'paid', lines: [{ sku: 'x', category: 'y', quantity: 1, amount: '1.00' }] }] as InputRecord[]);
        const again = await answer(new InProcessExecutor(days()));
        await engine.append([{ type: 'order', order_id: `bump2-${xml.length}`, customer_id: 'bump', ts: '2020-01-01T00:00:00Z', shop: 's', status: 'paid', lines: [{ sku: 'x', category: 'y', quantity: 1, amount: '1.00' }] }] as InputRecord[]);
        const pool = new FakePool();
        const pooled = await answer(new PoolExecutor(pool, gate, days(), { poolMinLines: 0, poolMinComplement: 0, instance: 7 }));
        expect(pool.values, xml).toBeGreaterThan(0); // the shard the append reached (the others' values are still cached)
        expect(pooled, xml).toEqual(again);
        expect(here.flat().length).toBeGreaterThan(0);
        // cached now: nothing left to prefetch
        expect(prefetchWork(plan, store.shards, store.catalog)).toEqual([]);
      }
    } finally {
      await engine.close();
    }
  });
});

describe('<score> values on the calling thread', () => {
  it('the in-process executor scans them before the evaluation, pausing for the event loop between steps', async () => {
    const { TUNING } = await import('../../src/model/defaults.js');
    const { isCached } = await import('../../src/elements/score/values.js');
    const engine = await Engine.open({ shards: 1, threads: 0, durability: 'none' });
    try {
      const n = TUNING.SCORE_SCAN_STEP * 2 + 10;
      const recs = Array.from({ length: n }, (_, i) => ({ type: 'order', order_id: `o${i}`, customer_id: `c${i % 3000}`, ts: 1_790_000_000_000 + i * 1000, shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'x', quantity: 1, amount: '1.00' }] }));
      for (let i = 0; i < n; i += 20_000) await engine.append(recs.slice(i, i + 20_000) as InputRecord[]);
      const store = (engine as unknown as { store: Store }).store;
      const xml = '<segment><score by="recency" min="5"/><bought sku="A"/></segment>';
      const plan = (engine as unknown as { plan(ast: unknown, asOf: number, tz: string): ExecutionQuery['plan'] }).plan(parseSegment(xml), Date.parse('2027-01-01T00:00:00Z'), 'UTC');
      let pauses = 0;
      const slice = { due: () => true, pause: async () => void pauses++, maybePause: () => undefined, checkNow: () => undefined };
      const evaluations = store.shards.map((shard) => new ShardEvaluation(plan, shard, store.catalog, undefined, undefined, store.shards));
      const prefetch = prefetchWork(plan, store.shards, store.catalog);
      expect(prefetch).toHaveLength(1);
      const query = {
        plan, boughtNodes: boughtNodes(plan), shards: store.shards, catalog: store.catalog, evaluations,
        signal: undefined, stats: undefined, slice, poolError: (e: unknown) => e, prefetch,
      };
      const spec = { by: 'recency' as const, lo: Number.NEGATIVE_INFINITY, hi: Math.floor(Date.parse('2027-01-01T00:00:00Z') / 1000) };
      expect(isCached(spec, store.shards[0]!)).toBe(false);
      // the phase alone: cached after it, with pauses between its steps (and no evaluation yet)
      await runPrefetchHere(query);
      expect(pauses).toBeGreaterThanOrEqual(2);
      expect(isCached(spec, store.shards[0]!)).toBe(true);
      const members = await new InProcessExecutor(new DayBucketShards(0, 1, undefined, (b, r) => new DayBucketCache(b, r))).run(query);
      expect(members[0]!.size).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });
});
