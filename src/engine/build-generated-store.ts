import fs from 'node:fs';
import { orderId, planGeneration, type GenerateOptions } from '../gen/index.js';
import { OrderColumnSource, REFUND_NONE } from '../gen/order-columns.js';
import { readMeta, writeMeta } from '../log/store-files.js';
import { StoreLock } from '../log/lock.js';
import { prepareDirectory } from '../log/store-path.js';
import { ShandianError } from '../model/errors.js';
import { SnapshotWriter } from '../snapshot/write-snapshot.js';
import { Store } from '../store/store.js';
import { buildCustomers } from './build-customers.js';

/** Above the generator's mean (1.46 lines per order, bench/data.ts), so columns are sized once. */
const MAX_LINES_PER_ORDER = 1.5;

/** A batch's catalog indexes as store ids. */
function mapIds(indexes: ArrayLike<number>, ids: Uint32Array): Uint32Array {
  const out = new Uint32Array(indexes.length);
  for (let i = 0; i < indexes.length; i++) out[i] = ids[indexes[i]!]!;
  return out;
}

export interface BuildReport {
  orders: number;
  lines: number;
  customers: number;
  elapsedMs: number;
  snapshotBytes: number;
}

/**
 * `shandian gen --data DIR`: builds a store straight from the generator's
 * column batches, with no per-record objects and no log: the same data as
 * `generate()` fed through `append` (customers, orders in time order,
 * refunds, tags), written as one snapshot. For benchmarks at scale: one
 * shard is built at a time, so the build needs memory for one shard and the
 * order-id directory, not for the whole store.
 */
export function buildGeneratedStore(
  dir: string,
  opts: GenerateOptions & { shards: number; tz?: string },
  onProgress?: (linesDone: number, ordersDone: number, ordersTotal: number) => void,
): BuildReport {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new ShandianError('E_BAD_ARGS', `${dir} is not empty`, { file: dir }, 'gen --data builds a new store; give an empty or new directory');
  }
  const started = performance.now();
  prepareDirectory(dir, 'dir');
  const lock = StoreLock.acquire(dir);
  try {
    const plan = planGeneration(opts);
    const store = new Store(opts.shards);
    // customers (with attributes and tags) first, in index order, as generate() emits them; then the catalog
    const { shard: customerShard, local: customerLocal } = buildCustomers(store, plan.profiles);
    const { skuNames, categoryNames, shopNames } = plan.catalog;
    const skuIds = Uint32Array.from(skuNames, (n) => store.catalog.skus.intern(n));
    const categoryIds = Uint32Array.from(categoryNames, (n) => store.catalog.categories.intern(n));
    const shopIds = Uint32Array.from(shopNames, (n) => store.catalog.shops.intern(n));

    if (!readMeta(dir)) writeMeta(dir, { format: 1, shards: opts.shards, ...(opts.tz ? { tz: opts.tz } : {}) });
    // One pass over the generator per shard, keeping that shard's orders, then
    // its snapshot files are written and it is dropped: the build holds one
    // shard (plus the order-id directory) at a time, not the whole store.
    store.expectOrders(plan.orders);
    const directory = store.orders;
    const writer = new SnapshotWriter(dir);
    const shardCount = opts.shards;
    const share = (n: number) => Math.ceil((n / shardCount) * 1.03) + 4096;
    let lines = 0, orders = 0, customers = 0;
    for (let s = 0; s < shardCount; s++) {
      const shard = store.shards[s]!;
      shard.beginBulk(share(plan.orders), share(plan.orders * MAX_LINES_PER_ORDER));
      const source = new OrderColumnSource(plan);
      let generated = 0;
      for (let b = source.next(); b !== undefined; b = source.next()) {
        const lineSource = { skuIds: mapIds(b.skuIndex, skuIds), categoryIds: mapIds(b.categoryIndex, categoryIds), quantities: b.quantity, amountCents: b.amountCents };
        for (let i = 0, end = 0; i < b.length; i = end) {
          for (end = i + 1; end < b.length && b.orderIndex[end] === b.orderIndex[i]; end++);
          generated++;
          const c = b.customerIndex[i]!;
          if (customerShard[c] !== s) continue;
          // refunded at ingest or by a later refund event: not alive either way
          const ordinal = shard.addOrderFromColumns(customerLocal[c]!, b.ts[i]!, shopIds[b.shopIndex[i]!]!, b.refund[i] === REFUND_NONE, lineSource, i, end);
          directory.add(orderId(b.orderIndex[i]!), ordinal * shardCount + s);
          lines += end - i;
        }
        onProgress?.(lines, Math.round((s * plan.orders + generated) / shardCount), plan.orders);
      }
      shard.finishBulk();
      orders += shard.orderCount;
      customers += shard.customerCount;
      writer.guard(() => writer.writeShard(s, shard));
      store.dropShard(s);
    }
    const manifest = writer.guard(() => writer.finish(store, 1));
    return {
      orders, lines, customers, elapsedMs: performance.now() - started,
      snapshotBytes: manifest.files.reduce((n, f) => n + f.bytes, 0),
    };
  } finally {
    lock.release();
  }
}
