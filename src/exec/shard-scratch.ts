import type { Shard } from '../store/shard.js';
import { Scratch } from './scratch.js';

const scratchByShard = new WeakMap<Shard, Scratch>();

/** The shard's reusable counting buffers on this thread. */
export function scratchFor(shard: Shard): Scratch {
  let scratch = scratchByShard.get(shard);
  if (!scratch) scratchByShard.set(shard, (scratch = new Scratch()));
  return scratch;
}

/**
 * Makes `scratch` the buffers of `shard` on this thread: for short-lived
 * shards built again and again (a live segment's small shard per round,
 * src/live/touched-shard.ts) that would otherwise allocate their own each time.
 */
export function lendScratch(shard: Shard, scratch: Scratch): void {
  scratchByShard.set(shard, scratch);
}
