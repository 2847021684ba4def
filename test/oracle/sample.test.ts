/**
 * `<sample>` in the oracle: the model's bucket (node:crypto, BigInt) and the
 * DuckDB translation (md5() hex, first 16 digits as a UBIGINT) both give the
 * contract's test vectors and agree on many ids; the oracle's reader refuses
 * what the contract refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckPeer, type OracleRecord } from './duckdb.js';
import { percentHundredths, RefModel, sampleBucket } from './model.js';
import { sampleBucketSql, translateXml } from './sql.js';
import { parseQuery, TranslateError } from './xml-query.js';

const VECTORS: [string, string, number][] = [['spring', 'c42', 2023], ['spring', '13800000000', 1406], ['双11-holdout', '客户-7', 3200]];
const IDS = ['c42', '13800000000', '客户-7', 'a@b.example', "o'brien", 'x'.repeat(100), ...Array.from({ length: 200 }, (_, i) => `id-${i}`)];

let peer: DuckPeer;
beforeAll(async () => {
  peer = await DuckPeer.create();
  await peer.load([IDS.map((id) => ({ type: 'tag', customer_id: id, tag: 't', op: 'add' }) as OracleRecord)]);
});
afterAll(() => peer?.close());

describe('<sample> in the oracle', () => {
  it('model: the test vectors; percentages as exact hundredths', () => {
    for (const [seed, id, bucket] of VECTORS) expect(sampleBucket(seed, id)).toBe(bucket);
    expect(percentHundredths('0.29')).toBe(29);
    expect(percentHundredths('100')).toBe(10000);
  });

  it('DuckDB: the test vectors, and the same bucket as the model for every id', async () => {
    for (const [seed, id, bucket] of VECTORS) {
      const sql = `SELECT ${sampleBucketSql(seed, `'${id}'`)}`;
      expect(Number(await peer.scalar(sql)), `${seed}:${id}`).toBe(bucket);
    }
    for (const seed of ['spring', "it's", '双11-holdout']) {
      for (const [lo, hi] of [[0, 1000], [1000, 5050], [9999, 10000]] as const) {
        const t = translateXml(`<segment><sample seed="${seed.replace("'", '&apos;')}" from="${lo / 100}" to="${hi / 100}"/></segment>`, { asOfMs: 0 });
        const got = (await peer.members(t.membersSql)).sort();
        expect(got, `${seed} ${lo}..${hi}`).toEqual(IDS.filter((c) => sampleBucket(seed, c) >= lo && sampleBucket(seed, c) < hi).sort());
      }
    }
  });

  it('model: the known customers in the range', () => {
    const m = new RefModel();
    for (const id of IDS) m.apply({ type: 'tag', customer_id: id, tag: 't', op: 'add' });
    const got = [...m.evaluate(parseQuery('<segment><sample seed="spring" from="10" to="35.5"/></segment>'), { asOfMs: 0, tz: 'UTC' })].sort();
    expect(got).toEqual(IDS.filter((c) => sampleBucket('spring', c) >= 1000 && sampleBucket('spring', c) < 3550).sort());
  });

  it('reader: refuses an empty seed, bad percentages, from not below to, unknown attributes, children', () => {
    expect(parseQuery('<segment><sample seed="s" from="0.5" to="100"/></segment>').children[0]).toEqual({ k: 'sample', seed: 's', from: '0.5', to: '100' });
    for (const body of ['<sample seed="" from="0" to="1"/>', '<sample seed="s" from="0" to="100.01"/>', '<sample seed="s" from="1.001" to="2"/>',
      '<sample seed="s" from="5" to="5"/>', '<sample seed="s" from="-1" to="5"/>', '<sample seed="s" from="0" to="5" last="1d"/>',
      '<sample seed="s" from="0"/>', '<sample seed="s" from="0" to="5"><tag name="x"/></sample>']) {
      expect(() => parseQuery(`<segment>${body}</segment>`), body).toThrow(TranslateError);
    }
  });
});
