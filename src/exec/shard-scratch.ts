import type { Shard } from '../store/shard.js';
import { Scratch } from './scratch.js';

const scratchByShard = new WeakMap<Shard, Scratch>();

/** The shard's reusable counting buffers on this thread. */
export function scratchFor(shard: Shard): Scratch {
  let scratch = scratchByShard.get(shard);
  if (!scratch) scratchByShard.set(shard, (scratch = new Scratch()));
  return scratch;
}
