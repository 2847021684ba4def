import fs from 'node:fs';
import { customerId, customerRecords, orderId, planGeneration, tagRecords, type GenerateOptions } from '../gen/index.js';
import { OrderColumnSource, REFUND_NONE } from '../gen/order-columns.js';
import { validateRecord } from '../ingest/validate-record.js';
import { readMeta, writeMeta } from '../log/store-files.js';
import { StoreLock } from '../log/lock.js';
import { ShandianError } from '../model/errors.js';
import { writeSnapshot } from '../snapshot/write-snapshot.js';
import { shardOf } from '../store/route.js';
import { Store } from '../store/store.js';

/** Above the generator's mean (1.46 lines per order, bench/data.ts), so columns are sized once. */
const MAX_LINES_PER_ORDER = 1.5;

/** Validates and applies records 10,000 at a time: millions of customer records never sit in one array. */
function applyInBatches(store: Store, records: Iterable<Parameters<typeof validateRecord>[0]>): void {
  let batch = [];
  for (const r of records) {
    batch.push(validateRecord(r));
    if (batch.length === 10_000) {
      store.apply(batch);
      batch = [];
    }
  }
  store.apply(batch);
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
 * `generate()` fed through `append` (customers first, orders in time order,
 * refunds, then tags), written as one snapshot. For benchmarks at scale.
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
  fs.mkdirSync(dir, { recursive: true });
  const lock = StoreLock.acquire(dir);
  try {
    const plan = planGeneration(opts);
    const store = new Store(opts.shards);
    // customers first, in index order (as generate() emits them), a batch at a time
    applyInBatches(store, customerRecords(plan.profiles));
    const customerShard = new Uint16Array(plan.customers);
    const customerLocal = new Uint32Array(plan.customers);
    for (let i = 0; i < plan.customers; i++) {
      const id = customerId(i);
      const s = shardOf(id, opts.shards);
      customerShard[i] = s;
      customerLocal[i] = store.shards[s]!.customer(id);
    }
    const { skuNames, categoryNames, shopNames } = plan.catalog;
    const skuIds = Uint32Array.from(skuNames, (n) => store.catalog.skus.intern(n));
    const categoryIds = Uint32Array.from(categoryNames, (n) => store.catalog.categories.intern(n));
    const shopIds = Uint32Array.from(shopNames, (n) => store.catalog.shops.intern(n));

    store.beginBulk(plan.orders, Math.ceil(plan.orders * MAX_LINES_PER_ORDER));
    const source = new OrderColumnSource(plan);
    let lines = 0, orders = 0;
    for (let b = source.next(); b !== undefined; b = source.next()) {
      const n = b.length;
      const lineSku = new Uint32Array(n), lineCategory = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        lineSku[i] = skuIds[b.skuIndex[i]!]!;
        lineCategory[i] = categoryIds[b.categoryIndex[i]!]!;
      }
      const ids: string[] = [];
      const shard = new Uint16Array(b.orderCount), customer = new Uint32Array(b.orderCount), ts = new Float64Array(b.orderCount);
      const shop = new Uint32Array(b.orderCount), alive = new Uint8Array(b.orderCount), firstLine = new Uint32Array(b.orderCount + 1);
      let o = -1;
      for (let i = 0; i < n; i++) {
        if (i > 0 && b.orderIndex[i] === b.orderIndex[i - 1]) continue;
        o++;
        const c = b.customerIndex[i]!;
        ids.push(orderId(b.orderIndex[i]!));
        shard[o] = customerShard[c]!;
        customer[o] = customerLocal[c]!;
        ts[o] = b.ts[i]!;
        shop[o] = shopIds[b.shopIndex[i]!]!;
        alive[o] = b.refund[i] === REFUND_NONE ? 1 : 0; // refunded at ingest or by a later refund event
        firstLine[o] = i;
      }
      firstLine[o + 1] = n;
      store.addOrdersFromColumns(ids, { shard, customer, ts, shop, alive, firstLine },
        { skuIds: lineSku, categoryIds: lineCategory, quantities: b.quantity, amountCents: b.amountCents });
      lines += n;
      orders += ids.length;
      onProgress?.(lines, orders, plan.orders);
    }
    store.finishBulk();
    applyInBatches(store, tagRecords(plan.profiles));

    if (!readMeta(dir)) writeMeta(dir, { format: 1, shards: opts.shards, ...(opts.tz ? { tz: opts.tz } : {}) });
    const manifest = writeSnapshot(dir, store, 1);
    return {
      orders, lines, customers: store.customerCount, elapsedMs: performance.now() - started,
      snapshotBytes: manifest.files.reduce((n, f) => n + f.bytes, 0),
    };
  } finally {
    lock.release();
  }
}
