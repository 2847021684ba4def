import type { Dictionary } from '../../store/dictionary.js';
import { BucketHasher } from './bucket.js';
import { TUNING } from '../../model/defaults.js';

/**
 * Each shard's customer buckets per seed, computed once and kept: a
 * Uint16Array by shard-local customer id (2 bytes a customer a seed),
 * extended as new customers arrive (customer ids are dense and
 * append-only, so the first `length` entries never change). Kept per
 * customer dictionary (weakly: a closed store's caches go with it), at most
 * SAMPLE_CACHE_BYTES_PER_SHARD a shard, least recently used seeds dropped
 * first (the one being read is always kept).
 */
export const SAMPLE_CACHE_BYTES_PER_SHARD = TUNING.SAMPLE_CACHE_BYTES_PER_SHARD;

/** Customers hashed between pauses (the compute step yields so a big first build does not hold the event loop). */
export const HASH_STEP = TUNING.SAMPLE_HASH_STEP;

export interface SeedBuckets {
  readonly seed: string;
  buckets: Uint16Array;
  /** customers 0..length-1 have their bucket */
  length: number;
  readonly hasher: BucketHasher;
}

const caches = new WeakMap<Dictionary, Map<string, SeedBuckets>>();

/** The seed's entry for these customers (most recently used now), creating an empty one. */
export function seedBuckets(customers: Dictionary, seed: string): SeedBuckets {
  let bySeed = caches.get(customers);
  if (!bySeed) caches.set(customers, (bySeed = new Map()));
  let entry = bySeed.get(seed);
  if (entry) {
    bySeed.delete(seed); // re-insert: Map order is the LRU order
  } else {
    entry = { seed, buckets: new Uint16Array(0), length: 0, hasher: new BucketHasher(seed) };
  }
  bySeed.set(seed, entry);
  return entry;
}

/**
 * Extends `entry` to the first `count` customers, in steps of HASH_STEP
 * (yielding between them), then drops least recently used seeds over the
 * budget. Safe when another query extends the same entry while this one
 * is paused: each step starts from the entry's current length.
 */
export function* extendBuckets(customers: Dictionary, entry: SeedBuckets, count: number): Generator<void, void> {
  if (entry.buckets.length < count) {
    const grown = new Uint16Array(entry.length === 0 ? count : Math.max(count, Math.ceil(entry.buckets.length * 1.25) + 1024));
    grown.set(entry.buckets.subarray(0, entry.length));
    entry.buckets = grown;
  }
  while (entry.length < count) {
    const end = Math.min(count, entry.length + HASH_STEP);
    const buckets = entry.buckets, hasher = entry.hasher;
    for (let c = entry.length; c < end; c++) buckets[c] = hasher.bucket(customers.value(c));
    entry.length = end;
    if (end < count) yield;
  }
  evict(customers, entry);
}

function evict(customers: Dictionary, keep: SeedBuckets): void {
  const bySeed = caches.get(customers);
  if (!bySeed) return;
  let bytes = 0;
  for (const e of bySeed.values()) bytes += e.buckets.byteLength;
  for (const [seed, e] of bySeed) {
    if (bytes <= SAMPLE_CACHE_BYTES_PER_SHARD) break;
    if (e === keep) continue;
    bySeed.delete(seed);
    bytes -= e.buckets.byteLength;
  }
}

/** Bytes of cached buckets for these customers (all seeds). */
export function cachedBucketBytes(customers: Dictionary): number {
  let bytes = 0;
  for (const e of caches.get(customers)?.values() ?? []) bytes += e.buckets.byteLength;
  return bytes;
}

let scratch = new Uint32Array(0);

/**
 * Customer ids 0..count-1 whose bucket is in [from, to), ascending: one
 * branch-free pass (buckets are random, so a branch per customer would
 * mispredict often: 27 ms for a 10% range of 2M customers with one, against
 * ~3 ms without), written into a reused buffer; the view is valid until the
 * next call (the roaring bitmap copies it).
 */
export function customersInRange(entry: SeedBuckets, count: number, from: number, to: number): Uint32Array {
  if (scratch.length < count) scratch = new Uint32Array(Math.max(count, Math.ceil(scratch.length * 1.25)));
  const buckets = entry.buckets, out = scratch, last = to - from - 1;
  let k = 0;
  for (let c = 0; c < count; c++) {
    const d = buckets[c]! - from;
    out[k] = c;
    // 1 when 0 <= d <= last (neither d nor last - d negative), else 0
    k += ((d | (last - d)) >>> 31) ^ 1;
  }
  return out.subarray(0, k);
}
