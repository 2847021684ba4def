import type { Bitmap } from '../index/bitmap.js';
import { resolveWindow } from '../plan/resolve-window.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';
import { addAttrCounts, emptyAttrCounts } from './attr-counts.js';
import { attrBuckets, orderBuckets, rangeBuckets, tagBuckets } from './build-buckets.js';
import type { PortraitDimension } from './dimension.js';
import { memberBytes } from './member-set.js';
import { addOrderCounts, emptyOrderCounts } from './order-counts.js';
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
}

/**
 * A portrait as steps for a TimeSlice (engine/time-slice.ts): each
 * dimension is counted shard by shard, the shards' counts added up (shards
 * are disjoint partitions of the customers, so sums are exact), then turned
 * into buckets. Runs on the calling thread while the caller holds the store
 * still (the totals gate); it yields between shards and between the values
 * of an order dimension.
 */
export function* portraitSteps(input: PortraitInput): Generator<void, PortraitResult> {
  const { dimensions, parts, catalog, asOfMs, tz } = input;
  const memberBytesOf = new Map<Shard, Uint8Array>(); // built once per shard, for the order dimensions
  const isMember = (part: SegmentPart): Uint8Array => {
    let bytes = memberBytesOf.get(part.shard);
    if (!bytes) memberBytesOf.set(part.shard, (bytes = memberBytes(part.members, part.shard.customerCount)));
    return bytes;
  };
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
        const dictionary = d.field === 'shop' ? catalog.shops : d.field === 'sku' ? catalog.skus : catalog.categories;
        const window = d.last ? { kind: 'last' as const, ...d.last } : { kind: 'all' as const };
        const { lo, hi } = resolveWindow(window, { line: 0, column: 0 }, asOfMs, tz);
        const counts = emptyOrderCounts(dictionary.size);
        for (const part of parts) {
          if (part.members.size === 0) continue;
          yield* addOrderCounts(part.shard, d.field, lo, hi, isMember(part), counts, input.matrixBytes);
        }
        results.push({ by: d.by, kind: d.kind, buckets: orderBuckets(counts, d.field, catalog) });
        break;
      }
    }
  }
  const count = parts.reduce((n, p) => n + p.members.size, 0);
  return { count, asOf: new Date(asOfMs).toISOString(), tz, dimensions: results };
}
