/**
 * `<sample>`'s cost (src/elements/sample/): MD5 per customer id three ways
 * (node:crypto createHash per id, crypto.hash one-shot, the element's JS
 * MD5 over a reused buffer), the first build of a seed's buckets for N
 * customers of one shard (generator-style ids `c0000001`), and a range
 * answered from the cached buckets (one pass + the roaring bitmap).
 *
 *   node dist/bench/sample-buckets.js [--customers 2000000]
 */
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { BucketHasher } from '../src/elements/sample/bucket.js';
import { cachedBucketBytes, customersInRange, extendBuckets, seedBuckets } from '../src/elements/sample/buckets.js';
import { customerId } from '../src/gen/ids.js';
import { Bitmap } from '../src/index/bitmap.js';
import { Dictionary } from '../src/store/dictionary.js';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '2000000' } } });
const n = Number(values.customers);
const ids = Array.from({ length: n }, (_, i) => customerId(i));
const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000));

/** U mod 10000 from the digest's first 8 bytes (big-endian), without BigInt: (hi * 2^32 + lo) mod 10000 */
const bucketOf = (d: Buffer) => ((d.readUInt32BE(0) % 10000) * 7296 + (d.readUInt32BE(4) % 10000)) % 10000;

function time<T>(f: () => T): { ms: number; result: T } {
  const t = performance.now();
  const result = f();
  return { ms: performance.now() - t, result };
}

const sampleN = Math.min(n, 500_000);
const viaCreateHash = time(() => {
  let s = 0;
  for (let i = 0; i < sampleN; i++) s += bucketOf(crypto.createHash('md5').update(`spring:${ids[i]}`).digest());
  return s;
});
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string, enc: 'buffer') => Buffer }).hash;
const viaHash = oneShot && time(() => {
  let s = 0;
  for (let i = 0; i < sampleN; i++) s += bucketOf(oneShot('md5', `spring:${ids[i]}`, 'buffer'));
  return s;
});
const hasher = new BucketHasher('spring');
const viaJs = time(() => {
  let s = 0;
  for (let i = 0; i < sampleN; i++) s += hasher.bucket(ids[i]!);
  return s;
});
if (viaJs.result !== viaCreateHash.result) throw new Error('JS MD5 and node:crypto disagree');

const dict = Dictionary.fromValues(ids);
const build = time(() => {
  const entry = seedBuckets(dict, 'spring');
  const steps = extendBuckets(dict, entry, dict.size);
  while (!steps.next().done);
  return entry;
});
const ranges: [number, number][] = [[0, 1000], [0, 5000], [2500, 2600], [0, 10000]];
const queries = ranges.map(([lo, hi]) => {
  customersInRange(build.result, n, lo, hi); // warm
  const runs = 5;
  const t = time(() => {
    let size = 0;
    for (let r = 0; r < runs; r++) size = new Bitmap(customersInRange(build.result, n, lo, hi)).size;
    return size;
  });
  return { range: `${lo}..${hi - 1}`, members: t.result, ms: +(t.ms / runs).toFixed(2) };
});

console.log(JSON.stringify({
  node: process.version,
  customers: n,
  md5IdsPerSecond: {
    createHash: perSecond(sampleN, viaCreateHash.ms),
    cryptoHash: viaHash ? perSecond(sampleN, viaHash.ms) : null,
    elementJs: perSecond(sampleN, viaJs.ms),
  },
  firstBuildMs: Math.round(build.ms),
  extrapolated20MFirstBuildS: +((build.ms * (20_000_000 / n)) / 1000).toFixed(1),
  cachedBytes: cachedBucketBytes(dict),
  rangeQueries: queries,
}, null, 2));
