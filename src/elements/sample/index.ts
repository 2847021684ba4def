import { Bitmap } from '../../index/bitmap.js';
import { leaf, type ElementDefinition, type PlanNodeDefinition } from '../definition.js';
import { customersInRange, extendBuckets, seedBuckets } from './buckets.js';
import type { SamplePlan } from './plan.js';
import { readSample } from './read.js';

export type { SampleNode } from './node.js';
export type { SamplePlan } from './plan.js';

const NONE: readonly never[] = [];

/** `<sample seed from to>`: a fixed slice of the known customers by a hash of seed and customer id (contract 7.6). */
export const sample = {
  read: readSample,
  children: () => NONE,
  lower: (n, ctx) =>
    leaf(ctx.builder.intern({
      kind: 'sample',
      key: `sample(${JSON.stringify(n.seed)},${n.fromBucket},${n.toBucket})`,
      estimate: Math.ceil((ctx.stats.universe() * (n.toBucket - n.fromBucket)) / 10000),
      pos: n.pos,
      seed: n.seed,
      fromBucket: n.fromBucket,
      toBucket: n.toBucket,
    })),
} satisfies ElementDefinition<'sample'>;

/**
 * Runs on the calling thread, not in the worker pool: it reads no orders,
 * and the customer ids it hashes are JS strings of the shard's dictionary
 * (not in shared memory). A seed's buckets are hashed once per shard and
 * cached (buckets.ts); a query then costs one pass over 2 bytes a customer.
 */
export const samplePlan = {
  children: () => NONE,
  *compute(n, ctx) {
    // 0 to 100: every known customer, no buckets needed
    if (n.fromBucket === 0 && n.toBucket === 10000) return ctx.universe();
    const customers = ctx.shard.customers;
    const count = customers.size;
    const entry = seedBuckets(customers, n.seed);
    yield* extendBuckets(customers, entry, count);
    return new Bitmap(customersInRange(entry, count, n.fromBucket, n.toBucket));
  },
  explain: (n) => explainSample(n),
} satisfies PlanNodeDefinition<'sample'>;

/** `seed "spring-24", buckets 0..999 (0.00% to 10.00%)` */
export function explainSample(n: Pick<SamplePlan, 'seed' | 'fromBucket' | 'toBucket'>): string {
  const pct = (b: number) => `${Math.floor(b / 100)}.${String(b % 100).padStart(2, '0')}%`;
  return `seed ${JSON.stringify(n.seed)}, buckets ${n.fromBucket}..${n.toBucket - 1} (${pct(n.fromBucket)} to ${pct(n.toBucket)})`;
}
