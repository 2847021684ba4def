import type { SamplePlan } from '../../../elements/sample/plan.js';
import { intLiteral, stringLiteral } from './literal.js';
import type { ElementSql } from './sql-context.js';

/**
 * bucket(c) (contract 7.6): the first 8 bytes of MD5(seed + ":" + id) read
 * big-endian (reinterpretAsUInt64 reads little-endian, hence the reverse),
 * mod 10000. test/backends/clickhouse/ checks the contract's three vectors on the server.
 */
export function sampleBucketSql(seed: string, customerIdSql = 'customer_id'): string {
  return `(reinterpretAsUInt64(reverse(substring(MD5(concat(${stringLiteral(seed + ':')}, ${customerIdSql})), 1, 8))) % 10000)`;
}

/** `<sample>`: a known customer whose bucket is in [fromBucket, toBucket); the universe's own rows, no subquery. */
export const sampleSql: ElementSql<SamplePlan> = (n) => {
  if (n.fromBucket === 0 && n.toBucket === 10000) return '1';
  const bucket = sampleBucketSql(n.seed);
  const parts: string[] = [];
  if (n.fromBucket > 0) parts.push(`${bucket} >= ${intLiteral(n.fromBucket)}`);
  if (n.toBucket < 10000) parts.push(`${bucket} < ${intLiteral(n.toBucket)}`);
  return parts.join(' AND ');
};
