import type { Bitmap } from '../index/bitmap.js';
import { resolveWindow } from '../plan/resolve-window.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';
import { addAttrCounts, emptyAttrCounts } from './attr-counts.js';
import { attrBuckets, orderBuckets, rangeBuckets, tagBuckets } from './build-buckets.js';
import type { OrderDimensionField, PortraitDimension } from './dimension.js';
import { memberBytes } from './member-set.js';
import { scanPortraitOrders, type PortraitCounts, type PortraitScanTask } from '../exec/portrait-scan.js';
import { addCounts, emptyOrderCounts, orderScanTask, type OrderCounts } from './order-counts.js';
import type { PortraitDimensionResult, PortraitResult } from './portrait-result.js';
import { addRangeCounts, emptyRangeCounts } from './range-counts.js';
import { addTagCounts, emptyTagCounts } from './tag-counts.js';

/** A segment's members in one shard (shard-local customer ids). */
export interface SegmentPart {
  shard: Shard;
  members: Bitmap;
}

export interface PortraitInput {
  dimensions: readonly PortraitDimension[];
  parts: readonly SegmentPart[];
  catalog: Catalog;
  asOfMs: number;
  tz: string;
  /** order dimensions: the per-shard bit matrix's budget (default TUNING.PORTRAIT_MATRIX_BYTES; tests force the pairs path with 0) */
  matrixBytes?: number;
  /** order dimensions already counted elsewhere (the worker pool: computePortrait) */
  scanned?: ReadonlyMap<PortraitDimension, OrderCounts>;
}

/**
 * A portrait as steps for a TimeSlice (engine/time-slice.ts): each
 * dimension is counted shard by shard, the shards' counts added up (shards
 * are disjoint partitions of the customers, so sums are exact), then turned
 * into buckets. Runs on the calling thread while the caller holds the store
 * still (the totals gate); it yields between shards and, in an order
 * dimension's scan, every TUNING.PORTRAIT_ORDERS_PER_STEP orders. Order
 * dimensions in `scanned` (counted in the worker pool) are only bucketed.
 */
export function* portraitSteps(input: PortraitInput): Generator<void, PortraitResult> {
  const { dimensions, parts, catalog, asOfMs, tz } = input;
  const isMember = memberBytesCache();
  const results: PortraitDimensionResult[] = [];
  for (const d of dimensions) {
    switch (d.kind) {
      case 'attr': {
        const counts = emptyAttrCounts();
        for (const { shard, members } of parts) {
          addAttrCounts(shard.attributes.get(d.name), members, counts);
          yield;
        }
        results.push({ by: d.by, kind: d.kind, buckets: attrBuckets(counts) });
        break;
      }
      case 'attr-range': {
        const counts = emptyRangeCounts(d.bounds);
        for (const { shard, members } of parts) {
          addRangeCounts(shard.attributes.get(d.name), d.bounds, members, counts);
          yield;
        }
        results.push({ by: d.by, kind: d.kind, buckets: rangeBuckets(counts, d.bounds) });
        break;
      }
      case 'tag': {
        const counts = emptyTagCounts();
        for (const { shard, members } of parts) {
          addTagCounts(shard.tags, members, counts);
          yield;
        }
        results.push({ by: d.by, kind: d.kind, buckets: tagBuckets(counts, catalog) });
        break;
      }
      case 'order': {
        let counts = input.scanned?.get(d);
        if (!counts) {
          counts = emptyOrderCounts(valueCount(catalog, d.field));
          for (const task of orderTasks(input, d, isMember)) addCounts(counts, yield* scanPortraitOrders(task));
        }
        results.push({ by: d.by, kind: d.kind, buckets: orderBuckets(counts, d.field, catalog) });
        break;
      }
    }
  }
  const count = parts.reduce((n, p) => n + p.members.size, 0);
  return { count, asOf: new Date(asOfMs).toISOString(), tz, dimensions: results };
}

/** The members of a part as a byte per customer, built once per shard (for the order dimensions). */
function memberBytesCache(): (part: SegmentPart) => Uint8Array {
  const memberBytesOf = new Map<Shard, Uint8Array>();
  return (part) => {
    let bytes = memberBytesOf.get(part.shard);
    if (!bytes) memberBytesOf.set(part.shard, (bytes = memberBytes(part.members, part.shard.customerCount)));
    return bytes;
  };
}

function valueCount(catalog: Catalog, field: OrderDimensionField): number {
  return (field === 'shop' ? catalog.shops : field === 'sku' ? catalog.skus : catalog.categories).size;
}

/** An order dimension's scans, one per shard with members and orders in the window. */
function orderTasks(input: PortraitInput, d: Extract<PortraitDimension, { kind: 'order' }>, isMember: (part: SegmentPart) => Uint8Array): PortraitScanTask[] {
  const window = d.last ? { kind: 'last' as const, ...d.last } : { kind: 'all' as const };
  const { lo, hi } = resolveWindow(window, { line: 0, column: 0 }, input.asOfMs, input.tz);
  const values = valueCount(input.catalog, d.field);
  const tasks: PortraitScanTask[] = [];
  for (const part of input.parts) {
    if (part.members.size === 0) continue;
    const task = orderScanTask(part.shard, d.field, lo, hi, isMember(part), values, input.matrixBytes);
    if (task) tasks.push(task);
  }
  return tasks;
}

/** Where a portrait's work runs (the engine: its time slice, and its executor's worker pool when it has one). */
export interface PortraitRunner {
  /** runs steps on the calling thread, pausing between them */
  steps<T>(steps: Generator<void, T>): Promise<T>;
  /** the scans in worker threads, all at once; undefined: run them here (no pool, or too small to pay for the round trip) */
  scans?(tasks: PortraitScanTask[]): Promise<PortraitCounts[]> | undefined;
}

/**
 * A portrait with the order dimensions' scans in the worker pool when the
 * runner offers it (every dimension's shards at once), the rest (and any
 * scan the pool declines) in time slices here (portraitSteps).
 */
export async function computePortrait(input: PortraitInput, runner: PortraitRunner): Promise<PortraitResult> {
  const scanned = new Map<PortraitDimension, OrderCounts>();
  if (runner.scans) {
    const isMember = memberBytesCache();
    const pending: { d: PortraitDimension; values: number; reply: Promise<PortraitCounts[]> }[] = [];
    for (const d of input.dimensions) {
      if (d.kind !== 'order') continue;
      const tasks = orderTasks(input, d, isMember);
      const reply = tasks.length > 0 ? runner.scans(tasks) : undefined;
      if (reply) pending.push({ d, values: valueCount(input.catalog, d.field), reply });
    }
    // all awaited together: a later dimension's failure must not go unhandled while an earlier one is awaited
    const replies = await Promise.all(pending.map((p) => p.reply));
    pending.forEach(({ d, values }, i) => {
      const counts = emptyOrderCounts(values);
      for (const part of replies[i]!) addCounts(counts, part);
      scanned.set(d, counts);
    });
  }
  return runner.steps(portraitSteps({ ...input, scanned }));
}
