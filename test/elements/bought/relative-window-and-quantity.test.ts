import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/index.js';
import { parseSegment } from '../../../src/language/parse-segment.js';
import { resolveWindow } from '../../../src/plan/resolve-window.js';
import { expectQueryError, seg } from '../../query/expect-error.js';

// Contract 7.1 (relative window bounds, -N{h|d|w}) and 7.2 (minQuantity/maxQuantity on <bought>).

const ASOF = '2026-11-30T00:00:00Z';
const ASOF_MS = Date.parse(ASOF);
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();

type Line = { sku: string; quantity: number; amount?: string };
const order = (id: string, customer: string, ts: string, lines: Line[], status = 'paid', shop = 'tmall') => ({
  type: 'order', order_id: id, customer_id: customer, ts, shop, status,
  lines: lines.map((l) => ({ sku: l.sku, category: l.sku === 'A' ? 'shoes' : 'bags', quantity: l.quantity, amount: l.amount ?? '10.00' })),
});

const DATA = [
  // window edges at asOf - 90 d and asOf - 180 d, to the second
  order('e1', 'on-to', at(ASOF_MS - 90 * DAY), [{ sku: 'A', quantity: 1 }]),
  order('e2', 'past-to', at(ASOF_MS - 90 * DAY + 1000), [{ sku: 'A', quantity: 1 }]),
  order('e3', 'on-from', at(ASOF_MS - 180 * DAY), [{ sku: 'A', quantity: 1 }]),
  order('e4', 'before-from', at(ASOF_MS - 180 * DAY - 1000), [{ sku: 'A', quantity: 1 }]),
  // quantities: only the matching lines' count
  order('q1', 'mixed', '2026-11-10T00:00:00Z', [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 5 }]),
  order('q2', 'two-orders', '2026-11-11T00:00:00Z', [{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 1 }]),
  order('q3', 'two-orders', '2026-11-11T00:00:00Z', [{ sku: 'A', quantity: 2 }]), // same second
  order('q4', 'refunded', '2026-11-12T00:00:00Z', [{ sku: 'A', quantity: 3 }]),
  order('q5', 'refunded', '2026-11-13T00:00:00Z', [{ sku: 'A', quantity: 3 }]),
  { type: 'refund', order_id: 'q5' },
  order('q6', 'status-refunded', '2026-11-13T00:00:00Z', [{ sku: 'A', quantity: 9 }], 'refunded'),
  order('q7', 'future', '2026-12-02T00:00:00Z', [{ sku: 'A', quantity: 9 }]), // after asOf: never counts
  order('q8', 'future', '2026-11-02T00:00:00Z', [{ sku: 'A', quantity: 1 }]),
  order('q9', 'rich', '2026-11-14T00:00:00Z', [{ sku: 'B', quantity: 4, amount: '500.00' }]),
];

const q = (body: string) => `<segment asOf="${ASOF}" tz="UTC">${body}</segment>`;

async function open(opts: object = {}): Promise<Engine> {
  const engine = await Engine.open({ durability: 'none', ...opts });
  await engine.append(DATA);
  return engine;
}

async function ids(engine: Engine, body: string): Promise<string[]> {
  return [...(await engine.query(q(body))).idsSync()].sort();
}

const windowOf = (attrs: string) => (parseSegment(seg(`<bought ${attrs}/>`)).children[0] as { window: unknown }).window;

describe('relative window bounds (7.1): reader', () => {
  it('reads -N{h|d|w} on from and to, N >= 0', () => {
    expect(windowOf('from="-180d" to="-90d"')).toEqual({
      kind: 'range', from: { kind: 'relative', amount: 180, unit: 'd' }, to: { kind: 'relative', amount: 90, unit: 'd' },
    });
    expect(windowOf('to="-0h"')).toEqual({ kind: 'range', to: { kind: 'relative', amount: 0, unit: 'h' } });
    expect(windowOf('from="-2w" to="2026-11-30"')).toEqual({
      kind: 'range', from: { kind: 'relative', amount: 2, unit: 'w' }, to: { kind: 'date', date: '2026-11-30' },
    });
  });

  it.each(['-1.5d', '-d', '+3d', '3d', '-01d', '-3y', '- 3d', '-10000001w', '--3d'])('from="%s" is E_BAD_DATE at the element, with a hint', (v) => {
    const err = expectQueryError(seg(`<bought from="${v}"/>`), 'E_BAD_DATE', { line: 2, column: 3 });
    expect(err.hint).toMatch(/-90d/);
  });

  it('both relative, from after to: E_BAD_DATE from the text alone', () => {
    expectQueryError(seg('<bought from="-1d" to="-2d"/>'), 'E_BAD_DATE', { line: 2, column: 3 });
    expectQueryError(seg('<bought from="-1w" to="-8d"/>'), 'E_BAD_DATE', { line: 2, column: 3 });
    expectQueryError(seg('<bought from="-23h" to="-1d"/>'), 'E_BAD_DATE', { line: 2, column: 3 });
    // equal instants are a one-instant window, not an error
    expect(windowOf('from="-24h" to="-1d"')).toMatchObject({ kind: 'range' });
    expect(windowOf('from="-7d" to="-1w"')).toMatchObject({ kind: 'range' });
  });

  it('last with a relative from is E_CONFLICT, as with any from', () => {
    expectQueryError(seg('<bought last="3d" from="-5d"/>'), 'E_CONFLICT', { line: 2, column: 3 });
  });

  it('a mixed pair is read as written: whether it is empty depends on asOf', () => {
    expect(windowOf('from="-1d" to="2020-01-01"')).toMatchObject({ kind: 'range' });
    expect(windowOf('from="2030-01-01" to="-1d"')).toMatchObject({ kind: 'range' });
  });
});

describe('relative window bounds (7.1): resolved against asOf', () => {
  const resolve = (attrs: string, asOfMs = ASOF_MS) => resolveWindow(windowOf(attrs) as never, { line: 1, column: 1 }, asOfMs, 'UTC');

  it('asOf - N units, both inclusive, in whole seconds', () => {
    const s = ASOF_MS / 1000;
    expect(resolve('from="-180d" to="-90d"')).toEqual({ lo: s - 180 * 86400, hi: s - 90 * 86400 });
    expect(resolve('from="-3h" to="-0h"')).toEqual({ lo: s - 3 * 3600, hi: s });
    expect(resolve('from="-2w"')).toEqual({ lo: s - 14 * 86400, hi: s });
    // an asOf with milliseconds: from rounds up, to down
    expect(resolve('from="-1h" to="-1h"', ASOF_MS + 500)).toEqual({ lo: s - 3600 + 1, hi: s - 3600 });
  });

  it('a mixed pair that resolves to from after to is an empty window, not an error', () => {
    const a = resolve('from="-1d" to="2026-11-01"');
    expect(a.lo).toBeGreaterThan(a.hi);
    const b = resolve('from="2026-11-29T12:00:00Z" to="-1d"');
    expect(b.lo).toBeGreaterThan(b.hi);
    // the same text at an earlier asOf is a real window
    const c = resolve('from="2026-11-29T12:00:00Z" to="-1d"', ASOF_MS + 2 * DAY);
    expect(c.lo).toBeLessThanOrEqual(c.hi);
  });

  it('two absolute bounds that resolve to from after to stay an error (a date against an instant, decided in the zone)', () => {
    expect(() => resolve('from="2026-11-12" to="2026-11-11T00:00:00Z"')).toThrow(/from is after to/);
  });
});

describe('relative window bounds (7.1): queries', () => {
  it('counts orders exactly on both edges and not one second outside', async () => {
    const engine = await open();
    const got = await ids(engine, '<bought sku="A" from="-180d" to="-90d"/>');
    expect(got).toEqual(['on-from', 'on-to']);
    // from="-90d" is inclusive where last="90d" is not
    expect(await ids(engine, '<bought from="-90d" to="-60d"/>')).toEqual(['on-to', 'past-to']);
    expect(await ids(engine, '<bought last="90d"/><bought from="-90d" to="-60d"/>')).toEqual(['past-to']);
    // hours and weeks
    expect(await ids(engine, `<bought from="-${180 * 24}h" to="-${90 * 24 + 1}h"/>`)).toEqual(['on-from']);
    expect(await ids(engine, '<bought sku="A" from="-4w" to="-2w"/>')).toEqual(['future', 'mixed', 'refunded', 'two-orders']); // 11-02 .. 11-16
    await engine.close();
  });

  it('mixes relative and absolute bounds; a mixed pair past each other is empty', async () => {
    const engine = await open();
    expect(await ids(engine, '<bought from="2026-11-10" to="-17d"/>')).toEqual(['mixed', 'refunded', 'two-orders']); // to = 11-13T00:00, rich is 11-14
    expect(await ids(engine, '<bought from="-1d" to="2026-11-01"/>')).toEqual([]);
    expect(await ids(engine, '<not><bought from="-1d" to="2026-11-01"/></not>')).toHaveLength(10);
    await engine.close();
  });

  it('composes with and/or/not/ref and pushes down from and-siblings', async () => {
    const engine = await open();
    await engine.save('old', '<segment><bought from="-180d" to="-90d"/></segment>');
    expect(await ids(engine, '<ref segment="old"/>')).toEqual(['on-from', 'on-to']);
    expect(await ids(engine, '<or><bought from="-180d" to="-90d"/><bought sku="B" from="-30d"/></or>')).toEqual(['mixed', 'on-from', 'on-to', 'rich']);
    expect(await ids(engine, '<bought from="-200d"/><not><bought from="-100d"/></not>')).toEqual(['before-from', 'on-from']);
    await engine.close();
  });

  it('explains the resolved window', async () => {
    const engine = await open();
    const { plan } = await engine.explain(q('<bought from="-180d" to="-90d"/>'));
    expect(plan.detail).toBe(`ts in [${at(ASOF_MS - 180 * DAY)}, ${at(ASOF_MS - 90 * DAY)}], orders 1..inf`);
    await engine.close();
  });
});

describe('quantity thresholds (7.2): reader', () => {
  it('reads minQuantity and maxQuantity', () => {
    const n = parseSegment(seg('<bought sku="A" minQuantity="3" maxQuantity="3"/>')).children[0];
    expect(n).toMatchObject({ kind: 'bought', minQuantity: 3, maxQuantity: 3 });
  });

  it.each([
    ['minQuantity="0"'], ['minQuantity="1.5"'], ['minQuantity="-1"'], ['minQuantity=""'], ['minQuantity="2e3"'], ['minQuantity=" 2"'],
    ['maxQuantity="0"'], ['maxQuantity="x"'], ['minQuantity="3000000000"'],
  ])('%s is E_BAD_NUMBER at the element', (attr) => {
    const err = expectQueryError(seg(`<bought ${attr}/>`), 'E_BAD_NUMBER', { line: 2, column: 3 });
    expect(err.reason).toMatch(/Quantity/);
  });

  it('minQuantity above maxQuantity is E_BAD_NUMBER', () => {
    const err = expectQueryError(seg('<bought minQuantity="5" maxQuantity="4"/>'), 'E_BAD_NUMBER', { line: 2, column: 3 });
    expect(err.hint).toMatch(/at most maxQuantity/);
  });
});

describe('quantity thresholds (7.2): queries', () => {
  it('sums the quantities of the matching lines of the matching orders, inclusive', async () => {
    const engine = await open();
    expect(await ids(engine, '<bought sku="A" minQuantity="2" maxQuantity="2"/>')).toEqual(['mixed']);
    expect(await ids(engine, '<bought minQuantity="7"/>')).toEqual(['mixed']); // 2 + 5
    expect(await ids(engine, '<bought sku="A" minQuantity="4"/>')).toEqual(['two-orders']); // 1 + 1 + 2, same second
    expect(await ids(engine, '<bought category="shoes" minQuantity="4" maxQuantity="4"/>')).toEqual(['two-orders']);
    // refunded orders (a refund event or status refunded) and orders after asOf do not count
    expect(await ids(engine, '<bought sku="A" minQuantity="3" maxQuantity="3"/>')).toEqual(['refunded']);
    expect(await ids(engine, '<bought sku="A" minQuantity="2" from="2026-11-01"/>')).toEqual(['mixed', 'refunded', 'two-orders']);
    // a customer with no matching order never matches, even under maxQuantity
    expect(await ids(engine, '<bought sku="B" maxQuantity="100"/>')).toEqual(['mixed', 'rich']);
    await engine.close();
  });

  it('combines with counts, amounts, shops and windows', async () => {
    const engine = await open();
    expect(await ids(engine, '<bought sku="A" minQuantity="2" minCount="2"/>')).toEqual(['two-orders']);
    expect(await ids(engine, '<bought minQuantity="4" minAmount="100"/>')).toEqual(['rich']);
    expect(await ids(engine, '<bought minQuantity="4" maxAmount="99.99"/>')).toEqual(['mixed', 'two-orders']);
    expect(await ids(engine, '<bought shop="tmall" minQuantity="4" from="-20d" to="-16d"/>')).toEqual(['mixed', 'rich', 'two-orders']); // rich exactly on to
    expect(await ids(engine, '<bought shop="jd" minQuantity="1"/>')).toEqual([]);
    await engine.close();
  });

  it('sees appends and refunds made after a first query (read-your-writes)', async () => {
    const engine = await open();
    expect(await ids(engine, '<bought sku="A" minQuantity="5"/>')).toEqual([]);
    await engine.append([order('r1', 'two-orders', '2026-11-20T00:00:00Z', [{ sku: 'A', quantity: 1 }])]);
    expect(await ids(engine, '<bought sku="A" minQuantity="5"/>')).toEqual(['two-orders']);
    await engine.append([{ type: 'refund', order_id: 'q3' }]);
    expect(await ids(engine, '<bought sku="A" minQuantity="5"/>')).toEqual([]);
    expect(await ids(engine, '<bought minQuantity="3" maxQuantity="3"/>')).toEqual(['refunded', 'two-orders']);
    await engine.close();
  });

  it('composes with and/or/not and candidates from and-siblings', async () => {
    const engine = await open();
    await engine.append([{ type: 'tag', customer_id: 'mixed', tag: 'vip', op: 'add' }, { type: 'tag', customer_id: 'rich', tag: 'vip', op: 'add' }]);
    expect(await ids(engine, '<tag name="vip"/><bought minQuantity="5"/>')).toEqual(['mixed']);
    expect(await ids(engine, '<or><bought sku="A" minQuantity="4"/><bought sku="B" minQuantity="5"/></or>')).toEqual(['mixed', 'two-orders']);
    expect(await ids(engine, '<bought sku="A"/><not><bought sku="A" minQuantity="2"/></not>')).toEqual(['future', 'on-from', 'on-to', 'past-to', 'before-from'].sort());
    const { plan } = await engine.explain(q('<tag name="vip"/><bought minQuantity="5"/>'));
    const bought = plan.children.find((c) => c.op === 'bought')!;
    expect(bought.detail).toMatch(/quantity 5\.\.inf; scanned for 2 candidates/);
    await engine.close();
  });

  it('explains its quantity bounds', async () => {
    const engine = await open();
    const { plan } = await engine.explain(q('<bought sku="A" minQuantity="2" maxQuantity="9"/>'));
    expect(plan.detail).toBe(`sku in [A], ts in [-inf, ${at(ASOF_MS)}], orders 1..inf, quantity 2..9`);
    expect((await engine.explain(q('<bought maxQuantity="9"/>'))).plan.detail).toMatch(/quantity 1\.\.9$/);
    await engine.close();
  });
});
