import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AstBuilder, preOrder } from '../../../src/engine/ast-events.js';
import { Engine } from '../../../src/index.js';
import { parseSegment } from '../../../src/language/parse-segment.js';
import { expectQueryError, seg } from '../../query/expect-error.js';

// P = a phone (category phones), C = a case (category cases), G = a charger (category chargers)
const CATEGORY: Record<string, string> = { P: 'phones', P2: 'phones', C: 'cases', G: 'chargers' };
const order = (id: string, customer: string, ts: string, skus: string[] = ['P']) => ({
  type: 'order', order_id: id, customer_id: customer, ts, shop: 'tmall', status: 'paid',
  lines: skus.map((sku) => ({ sku, category: CATEGORY[sku]!, quantity: 1, amount: '10.00' })),
});

// asOf 2026-11-30T00:00:00Z; within 30d = 2,592,000 s
const DATA = [
  order('t1', 'then', '2026-11-01T00:00:00Z'), order('t2', 'then', '2026-11-20T00:00:00Z', ['C']),
  // exactly 30 days apart: within holds (<=)
  order('e1', 'edge', '2026-10-01T00:00:00Z'), order('e2', 'edge', '2026-10-31T00:00:00Z', ['C']),
  // one second more: no sequence; and the absence period (ending 10-31T00:00:00) has no case in it
  order('o1', 'edge-over', '2026-10-01T00:00:00Z'), order('o2', 'edge-over', '2026-10-31T00:00:01Z', ['C']),
  // phone and case in one order, and in two orders of one second: never consecutive steps
  order('s1', 'same-order', '2026-10-10T00:00:00Z', ['P', 'C']),
  order('s2', 'same-second', '2026-10-10T00:00:00Z'), order('s3', 'same-second', '2026-10-10T00:00:00Z', ['C']),
  // the case came first
  order('r1', 'reverse', '2026-10-01T00:00:00Z', ['C']), order('r2', 'reverse', '2026-10-05T00:00:00Z'),
  // a phone 15 days before asOf: its 30 days have not passed
  order('n1', 'not-elapsed', '2026-11-15T00:00:00Z'),
  // a phone exactly 30 days before asOf: its period ends at asOf, passed
  order('x1', 'elapsed-exactly', '2026-10-31T00:00:00Z'),
  // phone, case, charger, case: for the absent charger the LATEST case counts (the charger is before it)
  order('l1', 'latest-case', '2026-10-01T00:00:00Z'), order('l2', 'latest-case', '2026-10-03T00:00:00Z', ['C']),
  order('l3', 'latest-case', '2026-10-05T00:00:00Z', ['G']), order('l4', 'latest-case', '2026-10-10T00:00:00Z', ['C']),
  // the first phone is followed by a case, the second is not: every first step is tried
  order('v1', 'second-phone', '2026-09-01T00:00:00Z'), order('v2', 'second-phone', '2026-09-15T00:00:00Z', ['C']),
  order('v3', 'second-phone', '2026-10-01T00:00:00Z'),
  // a case after the window (10-01..10-31) but inside the period: the window limits the steps only
  order('w1', 'window', '2026-10-20T00:00:00Z'), order('w2', 'window', '2026-11-05T00:00:00Z', ['C']),
  // three steps, the earliest case keeps room for the charger
  order('g1', 'three', '2026-10-01T00:00:00Z'), order('g2', 'three', '2026-10-02T00:00:00Z', ['C']),
  order('g3', 'three', '2026-10-20T00:00:00Z', ['C']), order('g4', 'three', '2026-10-25T00:00:00Z', ['G']),
  // after asOf: never a step
  order('f1', 'future', '2026-11-25T00:00:00Z'), order('f2', 'future', '2026-12-01T00:00:00Z', ['C']),
];

const ASOF = '2026-11-30T00:00:00Z';
const q = (body: string) => `<segment asOf="${ASOF}" tz="UTC">${body}</segment>`;
const THEN = '<sequence within="30d"><step category="phones"/><step category="cases"/></sequence>';
const NO_CASE = '<sequence within="30d"><step category="phones"/><absent category="cases"/></sequence>';

async function open(opts: object = {}): Promise<Engine> {
  const engine = await Engine.open({ durability: 'none', ...opts });
  await engine.append(DATA);
  return engine;
}

async function ids(engine: Engine, body: string): Promise<string[]> {
  return [...(await engine.query(q(body))).idsSync()].sort();
}

describe('<sequence> reader', () => {
  it('reads steps, the absent, within and the window', () => {
    const s = parseSegment(seg('<sequence within="30d" last="365d"><step sku="P"/><step><category>cases</category><category>covers</category></step><absent shop="jd"/></sequence>'));
    expect(s.children[0]).toMatchObject({
      kind: 'sequence', within: { amount: 30, unit: 'd' }, window: { kind: 'last', amount: 365, unit: 'd' },
      steps: [{ skus: ['P'] }, { categories: ['cases', 'covers'] }], absent: { shops: ['jd'] },
    });
    const plain = parseSegment(seg('<sequence within="2h"><step/><step/></sequence>')).children[0];
    expect(plain).toMatchObject({ kind: 'sequence', within: { amount: 2, unit: 'h' }, window: { kind: 'all' } });
    expect(plain).not.toHaveProperty('absent');
    expect(parseSegment(seg(`<sequence within="1w">${'<step/>'.repeat(16)}<absent/></sequence>`)).children[0]).toMatchObject({ kind: 'sequence' });
  });

  it('crosses threads as a leaf (ast-events: rebuilt without a children list)', () => {
    const ast = parseSegment(seg(`<or>${THEN}<not>${NO_CASE}</not></or>`));
    const b = new AstBuilder();
    b.add([...preOrder(ast)]);
    expect(b.result).toStrictEqual(ast);
  });

  it('needs within="N{h|d|w}" with N >= 1', () => {
    const missing = expectQueryError(seg('<sequence><step/><step/></sequence>'), 'E_MISSING_ATTRIBUTE', { line: 2, column: 3 });
    expect(missing.message).toContain('within');
    for (const bad of ['0d', '30', 'd', '-1d', '1.5d', '30m', ' 30d', '30D']) {
      const err = expectQueryError(seg(`<sequence within="${bad}"><step/><step/></sequence>`), 'E_BAD_DURATION', { line: 2, column: 3 });
      expect(err.message).toContain(`within="${bad}"`);
    }
  });

  it('needs at least two children, at most 16 steps', () => {
    expectQueryError(seg('<sequence within="1d"/>'), 'E_CHILD_COUNT', { line: 2, column: 3 });
    expectQueryError(seg('<sequence within="1d"><step/></sequence>'), 'E_CHILD_COUNT', { line: 2, column: 3 });
    // one absent alone is one child (and no step)
    expectQueryError(seg('<sequence within="1d"><absent/></sequence>'), 'E_CHILD_COUNT', { line: 2, column: 3 });
    const many = expectQueryError(seg(`<sequence within="1d">${'<step/>'.repeat(17)}</sequence>`), 'E_CHILD_COUNT', { line: 2, column: 3 });
    expect(many.message).toContain('at most 16');
    expectQueryError(seg(`<sequence within="1d">${'<step/>'.repeat(17)}<absent/></sequence>`), 'E_CHILD_COUNT', { line: 2, column: 3 });
  });

  it('takes <absent> once, last, and nothing but <step> and <absent>', () => {
    // <absent> first: the <step> after it is refused where it stands
    const after = expectQueryError(seg('<sequence within="1d"><absent/><step/></sequence>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 34 });
    expect(after.message).toContain('after <absent>');
    const twice = expectQueryError(seg('<sequence within="1d"><step/><absent/><absent/></sequence>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 41 });
    expect(twice.hint).toContain('at most one <absent>');
    const other = expectQueryError(seg('<sequence within="1d"><step/><bought sku="A"/></sequence>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 32 });
    expect(other.hint).toContain('<step>');
    expectQueryError(seg('<sequence within="1d"><step/>text<step/></sequence>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 3 });
  });

  it('refuses unknown attributes, and a window or thresholds on a step', () => {
    expectQueryError(seg('<sequence within="1d" minCount="2"><step/><step/></sequence>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 3 });
    const win = expectQueryError(seg('<sequence within="1d"><step last="7d"/><step/></sequence>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 25 });
    expect(win.hint).toContain('on the <sequence>');
    const thr = expectQueryError(seg('<sequence within="1d"><step/><absent minCount="2"/></sequence>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 32 });
    expect(thr.hint).toContain('<bought');
    expectQueryError(seg('<sequence within="1d"><step colour="red"/><step/></sequence>'), 'E_UNKNOWN_ATTRIBUTE', { line: 2, column: 25 });
    expectQueryError(seg('<sequence within="1d"><step><tag name="x"/></step><step/></sequence>'), 'E_UNKNOWN_ELEMENT', { line: 2, column: 31 });
  });

  it("refuses a step's filter conflicts and a bad window as <bought> does", () => {
    expectQueryError(seg('<sequence within="1d"><step sku="A"><sku>B</sku></step><step/></sequence>'), 'E_CONFLICT', { line: 2, column: 25 });
    expectQueryError(seg('<sequence within="1d" last="7d" from="2026-01-01"><step/><step/></sequence>'), 'E_CONFLICT', { line: 2, column: 3 });
    expectQueryError(seg('<sequence within="1d" from="2026-02-01" to="2026-01-01"><step/><step/></sequence>'), 'E_BAD_DATE', { line: 2, column: 3 });
    expectQueryError(seg('<sequence within="1d" from="-1d" to="-2d"><step/><step/></sequence>'), 'E_BAD_DATE', { line: 2, column: 3 });
    expectQueryError(seg('<sequence within="1d" last="7"><step/><step/></sequence>'), 'E_BAD_DURATION', { line: 2, column: 3 });
  });
});

describe('<sequence> results', () => {
  it('A then B: strictly later orders, at most within apart (inclusive), up to asOf', async () => {
    const engine = await open();
    // not: edge-over (a second too late), same-order, same-second, reverse (the case came first), future (after asOf)
    expect(await ids(engine, THEN)).toEqual(['edge', 'latest-case', 'second-phone', 'then', 'three', 'window']);
    // one second less of within: the exact-edge pair no longer fits
    expect(await ids(engine, '<sequence within="720h"><step category="phones"/><step category="cases"/></sequence>')).toContain('edge');
    expect(await ids(engine, '<sequence within="29d"><step category="phones"/><step category="cases"/></sequence>')).not.toContain('edge');
    await engine.close();
  });

  it('A and no B after it: the period passed by asOf, B strictly after the last step, up to step 1 + within', async () => {
    const engine = await open();
    // same-order / same-second: the case is in the phone's own order or second, not after it
    // not-elapsed: 15 days of 30; elapsed-exactly: the period ends exactly at asOf
    // reverse: its case was before the phone; edge: its case is exactly at the end of the period (inclusive)
    // then: not elapsed (11-01 + 30 d is after asOf); three, window, latest-case: a case within 30 days
    expect(await ids(engine, NO_CASE)).toEqual(['edge-over', 'elapsed-exactly', 'reverse', 'same-order', 'same-second', 'second-phone']);
    await engine.close();
  });

  it('with an absent after several steps, the latest last step counts (a shorter period to stay clean)', async () => {
    const engine = await open();
    const body = '<sequence within="30d"><step category="phones"/><step category="cases"/><absent category="chargers"/></sequence>';
    // latest-case: phone 10-01, case 10-03, charger 10-05, case 10-10: chain to the 10-10 case, no charger after it
    // three: phone 10-01, cases 10-02 and 10-20, charger 10-25 after both: out
    expect(await ids(engine, body)).toEqual(['edge', 'latest-case', 'second-phone', 'window']);
    await engine.close();
  });

  it('three steps: the earliest middle step keeps room for the last', async () => {
    const engine = await open();
    // latest-case: phone 10-01, case 10-03, charger 10-05; three: phone 10-01, case 10-02 (not 10-20), charger 10-25
    expect(await ids(engine, '<sequence within="30d"><step category="phones"/><step category="cases"/><step category="chargers"/></sequence>')).toEqual(['latest-case', 'three']);
    expect(await ids(engine, '<sequence within="5d"><step category="phones"/><step category="cases"/><step category="chargers"/></sequence>')).toEqual(['latest-case']);
    await engine.close();
  });

  it('the window limits the steps only, never the search for the absent', async () => {
    const engine = await open();
    const W = 'from="2026-10-01" to="2026-10-31"';
    expect(await ids(engine, `<sequence within="30d" ${W}><step category="phones"/><step category="cases"/></sequence>`)).toEqual(['edge', 'latest-case', 'three']);
    const noCase = await ids(engine, `<sequence within="30d" ${W}><step category="phones"/><absent category="cases"/></sequence>`);
    expect(noCase).not.toContain('window'); // its case of 11-05 is outside the window, inside the period
    expect(noCase).toEqual(['edge-over', 'elapsed-exactly', 'reverse', 'same-order', 'same-second', 'second-phone']);
    // relative bounds (7.1): the steps between 60 and 30 days before asOf
    expect(await ids(engine, '<sequence within="30d" from="-60d" to="-30d"><step category="phones"/><step category="cases"/></sequence>')).toEqual(['edge', 'latest-case', 'three']);
    await engine.close();
  });

  it('sees every acknowledged append and refund: a refund moves a step', async () => {
    const engine = await open();
    await engine.append([order('m1', 'moved', '2026-09-01T00:00:00Z'), order('m2', 'moved', '2026-10-01T00:00:00Z'), order('m3', 'moved', '2026-10-20T00:00:00Z', ['C'])]);
    expect(await ids(engine, THEN)).toContain('moved'); // m2 -> m3, 19 days
    await engine.append([{ type: 'refund', order_id: 'm2' }]);
    expect(await ids(engine, THEN)).not.toContain('moved'); // m1 -> m3 is 49 days
    // a refunded case is no case: edge's period (its case exactly at its end) is clean again
    expect(await ids(engine, NO_CASE)).not.toContain('edge');
    await engine.append([{ type: 'refund', order_id: 'e2' }]);
    expect(await ids(engine, NO_CASE)).toContain('edge');
    expect(await ids(engine, THEN)).not.toContain('edge');
    await engine.close();
  });

  it('composes with and/or/not/ref and takes candidates from its and-siblings', async () => {
    const engine = await open({ shards: 1 });
    await engine.append([{ type: 'tag', customer_id: 'then', tag: 'vip', op: 'add' }, { type: 'tag', customer_id: 'edge-over', tag: 'vip', op: 'add' }]);
    await engine.save('then', q(THEN));
    expect(await ids(engine, `<tag name="vip"/>${THEN}`)).toEqual(['then']);
    expect(await ids(engine, `<ref segment="then"/><not>${NO_CASE}</not>`)).toEqual(['edge', 'latest-case', 'then', 'three', 'window']);
    expect(await ids(engine, `<or>${THEN}${NO_CASE}</or>`)).toHaveLength(11);
    const { plan } = await engine.explain(q(`<tag name="vip"/>${NO_CASE}`));
    const seq = plan.children.find((c) => c.op === 'sequence')!;
    expect(seq.detail).toContain('scanned for 2 candidates');
    expect(plan.actual).toBe(1);
    await engine.close();
  });

  it('explains itself from its fields', async () => {
    const engine = await open();
    const { plan } = await engine.explain(q('<sequence within="30d" last="365d"><step sku="P"/><step category="cases"/><absent category="chargers"/></sequence>'));
    expect(plan.op).toBe('sequence');
    expect(plan.detail).toBe('step 1 sku in [P], then step 2 category in [cases] (strictly later seconds), within 2592000 s of step 1, ' +
      'steps at ts in [2025-11-30T00:00:01.000Z, 2026-11-30T00:00:00.000Z]; then no category in [chargers] after the last step until step 1 + within, which has passed by 2026-11-30T00:00:00.000Z');
    expect(plan.actual).toBe(4);
    await engine.close();
  });

  it('an impossible window or absence period matches nobody', async () => {
    const engine = await open();
    expect(await ids(engine, '<sequence within="1d" from="2026-12-01T00:00:00Z"><step/><step/></sequence>')).toEqual([]);
    // every first step would have to be before asOf - within, and the window starts after that
    expect(await ids(engine, '<sequence within="30d" last="10d"><step/><absent sku="C"/></sequence>')).toEqual([]);
    await engine.close();
  });

  it('gives the same answers on several shards', async () => {
    const one = await open({ shards: 1 });
    const three = await open({ shards: 3 });
    for (const body of [THEN, NO_CASE, '<sequence within="6h"><step/><step/></sequence>', '<sequence within="2w"><step shop="tmall"/><step/><absent/></sequence>']) {
      expect(await ids(three, body)).toEqual(await ids(one, body));
    }
    await one.close();
    await three.close();
  });
});

// Worker threads run the compiled engine (as test/engine/threads.test.ts does).
const built = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/src/index.js');
describe.runIf(fs.existsSync(built))('<sequence> in the worker pool', () => {
  it('gives the in-process answers (its tasks and its <bought> siblings in the workers)', async () => {
    const { Engine: Built } = (await import(built)) as typeof import('../../../src/index.js');
    const bodies = [THEN, NO_CASE, `<bought category="cases"/>${NO_CASE}`, `<or><bought sku="G"/>${THEN}</or>`, `<not>${THEN}</not>`];
    const local = await open();
    const pooled = await Built.open({ durability: 'none', shards: 2, threads: 2, poolMinLines: 0 });
    await pooled.append(DATA);
    expect(pooled.workerThreads.length).toBeGreaterThan(0);
    for (const body of bodies) expect([...(await pooled.query(q(body))).idsSync()].sort()).toEqual(await ids(local, body));
    await local.close();
    await pooled.close();
  });
});
