import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BucketHasher } from '../../../src/elements/sample/bucket.js';
import { cachedBucketBytes, customersInRange, extendBuckets, seedBuckets } from '../../../src/elements/sample/buckets.js';
import { explainSample, samplePlan } from '../../../src/elements/sample/index.js';
import type { SamplePlan } from '../../../src/elements/sample/plan.js';
import { parsePercentHundredths } from '../../../src/elements/sample/read.js';
import { AstBuilder, preOrder } from '../../../src/engine/ast-events.js';
import { toExplainNode } from '../../../src/engine/explain-node.js';
import { Engine } from '../../../src/index.js';
import { parseSegment } from '../../../src/language/parse-segment.js';
import { planSegment } from '../../../src/language/plan-segment.js';
import { Dictionary } from '../../../src/store/dictionary.js';
import { expectQueryError, seg } from '../../query/expect-error.js';

/** The contract's definition, with node:crypto (independent of the engine's MD5). */
function reference(seed: string, id: string): number {
  const d = createHash('md5').update(`${seed}:${id}`, 'utf8').digest();
  return Number(d.readBigUInt64BE(0) % 10000n);
}

const drain = <T>(g: Generator<void, T>): T => {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
};

describe('<sample> buckets', () => {
  it('gives the contract\'s test vectors', () => {
    expect(new BucketHasher('spring').bucket('c42')).toBe(2023);
    expect(new BucketHasher('spring').bucket('13800000000')).toBe(1406);
    expect(new BucketHasher('双11-holdout').bucket('客户-7')).toBe(3200);
    expect(reference('spring', 'c42')).toBe(2023);
    expect(reference('双11-holdout', '客户-7')).toBe(3200);
  });

  it('agrees with node:crypto on ids of every length and script (one and several MD5 blocks, lone surrogates)', () => {
    const seeds = ['s', 'spring-24', 'x'.repeat(70), '季节'];
    const ids = ['', 'a', 'c1', '13800000000', 'a@b.example', '客户-7', '😀x', '\ud800', 'z\udfffz'];
    for (let n = 0; n < 140; n++) ids.push('k'.repeat(n), 'é'.repeat(n % 40) + String(n));
    for (const seed of seeds) {
      const h = new BucketHasher(seed);
      for (const id of ids) expect(h.bucket(id), `${seed}:${id}`).toBe(reference(seed, id));
    }
  });

  it('reads percentages as exact hundredths', () => {
    expect(parsePercentHundredths('0')).toBe(0);
    expect(parsePercentHundredths('10')).toBe(1000);
    expect(parsePercentHundredths('12.5')).toBe(1250);
    expect(parsePercentHundredths('0.29')).toBe(29); // 0.29 * 100 is 28.999... in floats
    expect(parsePercentHundredths('100')).toBe(10000);
    expect(parsePercentHundredths('100.00')).toBe(10000);
    expect(parsePercentHundredths('007.10')).toBe(710);
    for (const bad of ['', '100.01', '101', '1.005', '-1', '+1', '1e1', ' 1', '1 ', '1.', '.5', '5%', '0x10', '99999999999999999999']) {
      expect(parsePercentHundredths(bad), bad).toBeUndefined();
    }
  });

  it('caches per seed, extends to new customers, answers ranges in one pass', () => {
    const d = new Dictionary();
    for (let i = 0; i < 1000; i++) d.intern(`c${i}`);
    const e = seedBuckets(d, 'spring');
    drain(extendBuckets(d, e, d.size));
    expect(e.length).toBe(1000);
    expect(cachedBucketBytes(d)).toBe(2000);
    for (let i = 1000; i < 1500; i++) d.intern(`c${i}`);
    const again = seedBuckets(d, 'spring');
    expect(again).toBe(e);
    drain(extendBuckets(d, again, d.size));
    expect(again.length).toBe(1500);
    for (let c = 0; c < 1500; c++) expect(again.buckets[c]).toBe(reference('spring', `c${c}`));
    const ids = customersInRange(again, 1500, 1000, 2000);
    expect([...ids]).toEqual([...Array(1500).keys()].filter((c) => reference('spring', `c${c}`) >= 1000 && reference('spring', `c${c}`) < 2000));
  });
});

describe('<sample> reader', () => {
  it('reads seed as written and the bounds as buckets', () => {
    const ast = parseSegment(seg('<sample seed=" spring &amp; co " from="0.5" to="12.25"/>'));
    expect(ast.children[0]).toEqual({ kind: 'sample', seed: ' spring & co ', fromBucket: 50, toBucket: 1225, pos: { line: 2, column: 3 } });
  });

  it('crosses threads as a leaf (ast-events: rebuilt without a children list)', () => {
    const ast = parseSegment(seg('<or><sample seed="s" from="0" to="10"/><not><sample seed="t" from="1" to="2"/></not></or>'));
    const b = new AstBuilder();
    b.add([...preOrder(ast)]);
    expect(b.result).toStrictEqual(ast);
  });

  it('refuses what the contract refuses, with code, line:column and hint', () => {
    const at = { line: 2, column: 3 };
    expectQueryError(seg('<sample from="0" to="10"/>'), 'E_MISSING_ATTRIBUTE', at);
    expectQueryError(seg('<sample seed="s" to="10"/>'), 'E_MISSING_ATTRIBUTE', at);
    expectQueryError(seg('<sample seed="s" from="0"/>'), 'E_MISSING_ATTRIBUTE', at);
    expectQueryError(seg('<sample seed="" from="0" to="10"/>'), 'E_BAD_VALUE', at);
    expectQueryError(seg('<sample seed="s" from="0" to="10" last="7d"/>'), 'E_UNKNOWN_ATTRIBUTE', at);
    expectQueryError(seg('<sample Seed="s" from="0" to="10"/>'), 'E_UNKNOWN_ATTRIBUTE', at);
    expectQueryError(seg('<sample seed="s" from="0" to="100.5"/>'), 'E_BAD_NUMBER', at);
    expectQueryError(seg('<sample seed="s" from="0" to="101"/>'), 'E_BAD_NUMBER', at);
    expectQueryError(seg('<sample seed="s" from="-1" to="10"/>'), 'E_BAD_NUMBER', at);
    expectQueryError(seg('<sample seed="s" from="0.125" to="10"/>'), 'E_BAD_NUMBER', at);
    expectQueryError(seg('<sample seed="s" from="1e1" to="20"/>'), 'E_BAD_NUMBER', at);
    expectQueryError(seg('<sample seed="s" from="10%" to="20"/>'), 'E_BAD_NUMBER', at);
    expectQueryError(seg('<sample seed="s" from="10" to="10"/>'), 'E_BAD_NUMBER', at);
    expectQueryError(seg('<sample seed="s" from="20" to="10.5"/>'), 'E_BAD_NUMBER', at);
    expectQueryError(seg('<sample seed="s" from="0" to="10">x</sample>'), 'E_UNKNOWN_ELEMENT', at);
    expectQueryError(seg('<sample seed="s" from="0" to="10"><tag name="vip"/></sample>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 37 });
  });
});

describe('<sample> plan and explain', () => {
  const stats = { universe: () => 10000, boughtRows: () => 10, tagHolders: () => 5, attributeHolders: () => 7 };
  const planOf = (xml: string) => planSegment(parseSegment(xml), { asOfMs: 0, tz: 'UTC', stats, loadSegment: () => { throw new Error('no refs'); } });

  it('keys by seed and buckets (equal samples are one node), estimates by width', () => {
    const p = planOf('<segment><or><sample seed="a" from="10" to="20.5"/><sample seed="a" from="10.00" to="20.50"/></or></segment>') as SamplePlan;
    expect(p.kind).toBe('sample');
    expect(p.key).toBe('sample("a",1000,2050)');
    expect(p.estimate).toBe(1050);
    expect(toExplainNode(p, new Map()).detail).toBe('seed "a", buckets 1000..2049 (10.00% to 20.50%)');
    expect(samplePlan.explain({ kind: 'sample', key: 'x', estimate: 0, seed: 'q"', fromBucket: 0, toBucket: 10000 }, { actual: 0, timeMs: 0 }))
      .toBe('seed "q\\"", buckets 0..9999 (0.00% to 100.00%)');
    expect(explainSample({ seed: 's', fromBucket: 5, toBucket: 7 })).toBe('seed "s", buckets 5..6 (0.05% to 0.07%)');
  });
});

describe('<sample> in the engine', () => {
  const order = (id: string, customer: string, sku: string) => ({
    type: 'order', order_id: id, customer_id: customer, ts: '2026-11-11T00:00:00Z', shop: 'tmall', status: 'paid',
    lines: [{ sku, category: 'shoes', quantity: 1, amount: '1.00' }],
  });
  const ids = async (e: Engine, xml: string) => {
    const s = await e.query(xml);
    const out: string[] = [];
    for await (const id of s.ids()) out.push(id);
    return out.sort();
  };
  const expected = (all: readonly string[], seed: string, from: number, to: number) =>
    all.filter((c) => reference(seed, c) >= from && reference(seed, c) < to).sort();

  it('matches the definition on every shard, composes with and/or/not, sees every append', async () => {
    const e = await Engine.open({ shards: 3 });
    try {
      const customers: string[] = [];
      const records: object[] = [];
      for (let i = 0; i < 600; i++) {
        const c = i % 3 === 0 ? `1380000${String(i).padStart(4, '0')}` : i % 3 === 1 ? `客户-${i}` : `c${i}`;
        customers.push(c);
        records.push(order(`T${i}`, c, i % 2 ? 'A' : 'B'));
      }
      records.push({ type: 'tag', customer_id: 'only-tagged', tag: 'vip', op: 'add' });
      customers.push('only-tagged');
      await e.append(records);
      const q = (body: string) => `<segment asOf="2026-12-01T00:00:00Z">${body}</segment>`;
      expect(await ids(e, q('<sample seed="spring" from="10" to="35.5"/>'))).toEqual(expected(customers, 'spring', 1000, 3550));
      expect(await ids(e, q('<sample seed="spring" from="0" to="100"/>'))).toEqual([...customers].sort());
      // disjoint ranges are disjoint and cover everyone
      const parts = await Promise.all(['0,33.33', '33.33,66.67', '66.67,100'].map((r) => {
        const [a, b] = r.split(',');
        return ids(e, q(`<sample seed="双11-holdout" from="${a}" to="${b}"/>`));
      }));
      expect(parts.flat().sort()).toEqual([...customers].sort());
      expect(new Set(parts.flat()).size).toBe(customers.length);
      // with and / not / or, and a <bought> and-sibling
      const sampled = new Set(expected(customers, 'spring', 0, 1000));
      const boughtA = new Set(customers.filter((_, i) => i < 600 && i % 2 === 1));
      expect(await ids(e, q('<bought sku="A"/><not><sample seed="spring" from="0" to="10"/></not>')))
        .toEqual([...boughtA].filter((c) => !sampled.has(c)).sort());
      expect(await ids(e, q('<or><tag name="vip"/><and><sample seed="spring" from="0" to="10"/><bought sku="A"/></and></or>')))
        .toEqual(['only-tagged', ...[...boughtA].filter((c) => sampled.has(c))].sort());
      // read-your-writes: new customers after the buckets were cached
      const more: object[] = [];
      for (let i = 600; i < 900; i++) {
        customers.push(`n${i}`);
        more.push(i % 2 ? order(`T${i}`, `n${i}`, 'A') : { type: 'customer', customer_id: `n${i}`, attrs: { city: 'Xiamen' } });
      }
      await e.append(more);
      expect(await ids(e, q('<sample seed="spring" from="10" to="35.5"/>'))).toEqual(expected(customers, 'spring', 1000, 3550));
      const ex = await e.explain(q('<sample seed="spring" from="10" to="35.5"/>'));
      expect(JSON.stringify(ex)).toContain('seed \\"spring\\", buckets 1000..3549 (10.00% to 35.50%)');
    } finally {
      await e.close();
    }
  });
});
