import { describe, expect, it } from 'vitest';
import type { SequencePlan } from '../../src/elements/sequence/plan.js';
import { prepareSequence, runSequence, runSequenceToEnd } from '../../src/exec/sequence-task.js';
import { Engine } from '../../src/index.js';
import { TUNING } from '../../src/model/defaults.js';
import type { Store } from '../../src/store/store.js';

const DAY = 86_400;
const T0 = Date.parse('2026-01-01T00:00:00Z') / 1000;

/** n customers, each a phone on day 0 and a case on day 1 (customer i's case on day 40 when i % 3 == 0: too late). */
async function store(n: number): Promise<{ engine: Engine; store: Store }> {
  const engine = await Engine.open({ durability: 'none', shards: 1 });
  const records: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const line = (sku: string, category: string) => [{ sku, category, quantity: 1, amount: '1.00' }];
    records.push({ type: 'order', order_id: `p${i}`, customer_id: `c${i}`, ts: (T0 + (i % 1000)) * 1000, shop: 's', status: 'paid', lines: line('P', 'phones') });
    records.push({ type: 'order', order_id: `k${i}`, customer_id: `c${i}`, ts: (T0 + (i % 3 === 0 ? 40 : 1) * DAY) * 1000, shop: 's', status: 'paid', lines: line('C', 'cases') });
  }
  await engine.append(records);
  return { engine, store: (engine as unknown as { store: Store }).store };
}

const plan = (absent: boolean): SequencePlan => ({
  kind: 'sequence', key: 'test', estimate: 0, steps: [{ skus: ['P'] }, ...(absent ? [] : [{ categories: ['cases'] }])],
  ...(absent ? { absent: { categories: ['cases'] } } : {}), withinSeconds: 30 * DAY, lo: Number.NEGATIVE_INFINITY, hi: T0 + 400 * DAY, asOf: T0 + 400 * DAY,
});

function run(steps: Generator<void, import('../../src/index/bitmap.js').Bitmap>): { pauses: number; size: number } {
  let pauses = 0;
  for (;;) {
    const next = steps.next();
    if (next.done) return { pauses, size: next.value.size };
    pauses++;
  }
}

describe('<sequence> kernel (exec/sequence-task.ts)', () => {
  const n = TUNING.SEQUENCE_SCAN_STEP + 1000;

  it('pauses during long walks, and two evaluations paused at once do not share their buffers', async () => {
    const { engine, store: s } = await store(n);
    const shard = s.shards[0]!;
    const then = runSequence(prepareSequence(plan(false), shard, s.catalog, undefined)!);
    const noCase = runSequence(prepareSequence(plan(true), shard, s.catalog, undefined)!);
    // interleaved step by step, as two queries' time slices would run them
    let a: IteratorResult<void, unknown>, b: IteratorResult<void, unknown>;
    let pauses = 0;
    do {
      a = then.next();
      b = noCase.next();
      pauses++;
    } while (!a.done || !b.done);
    const expectedThen = n - Math.ceil(n / 3);
    expect((a.value as { size: number }).size).toBe(expectedThen);
    expect((b.value as { size: number }).size).toBe(Math.ceil(n / 3));
    expect(pauses).toBeGreaterThanOrEqual(2); // both were suspended mid-walk at once
    // and once more alone, from the buffers given back: the same answers
    expect(run(runSequence(prepareSequence(plan(false), shard, s.catalog, undefined)!))).toMatchObject({ size: expectedThen });
    // as a worker runs it: to the end, without pauses
    expect(runSequenceToEnd(prepareSequence(plan(true), shard, s.catalog, undefined)!).size).toBe(Math.ceil(n / 3));
    await engine.close();
  }, 60_000);
});
