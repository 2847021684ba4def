import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { LiveChange } from '../../src/live/feed-frame.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');

async function feedMembers(engine: Engine, name: string): Promise<string[]> {
  const latest = new Map<string, LiveChange['change']>();
  for await (const c of engine.changes(name)) latest.set(c.customer_id, c.change);
  return [...latest].filter(([, v]) => v === 'entered').map(([k]) => k).sort();
}

async function ids(engine: Engine, xml: string, options: Parameters<Engine['query']>[1] = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const id of (await engine.query(xml, options)).ids()) out.push(id);
  return out.sort();
}

const order = (id: string, customer: string, ms: number) => ({
  type: 'order', order_id: id, customer_id: customer, ts: new Date(ms).toISOString(), shop: 's1', status: 'paid',
  lines: [{ sku: 'A', category: 'c', quantity: 1, amount: '10.00' }],
}) as const;

const REF = '<segment><ref segment="recent"/></segment>';

describe('<ref> to a live segment (contract 8.3)', () => {
  it('at now in its zone: its kept membership (equal to the feed\'s), not its definition, until the time change is recorded', async () => {
    let now = T0;
    const engine = await Engine.open({ threads: 0, shards: 3, clock: () => now, liveIntervalMs: 3_600_000 });
    await engine.append([order('o1', 'c1', T0 - DAY / 2), order('o2', 'c2', T0 - 2 * DAY), order('o3', 'c3', T0 - 10 * DAY)]);
    await engine.save('recent', '<segment><bought last="3d"/></segment>', { live: true });
    expect(await ids(engine, REF)).toEqual(['c1', 'c2']);
    now = T0 + 2 * DAY; // c2's order leaves the window; no refreshLive: the kept membership still has c2
    expect(await ids(engine, REF)).toEqual(['c1', 'c2']);
    expect(await ids(engine, REF)).toEqual(await feedMembers(engine, 'recent'));
    expect(await ids(engine, REF, { asOf: now })).toEqual(['c1', 'c2']); // an asOf equal to the clock: now
    expect(await ids(engine, '<segment><bought last="3d"/></segment>')).toEqual(['c1']); // the definition at now
    const explained = await engine.explain(`<segment><and><ref segment="recent"/><bought sku="A"/></and></segment>`);
    expect(JSON.stringify(explained.plan)).toContain('from kept membership');
    // an append moves the kept membership (cause data), and the ref with it
    await engine.append(order('o4', 'c4', now - DAY));
    expect(await ids(engine, REF)).toEqual(['c1', 'c2', 'c4']);
    expect(await ids(engine, REF)).toEqual(await feedMembers(engine, 'recent'));
    // through a saved segment that is not live
    await engine.save('outer', '<segment><ref segment="recent"/></segment>');
    expect(await ids(engine, '<segment><ref segment="outer"/></segment>')).toEqual(['c1', 'c2', 'c4']);
    await engine.refreshLive();
    expect(await ids(engine, REF)).toEqual(['c1', 'c4']);
    expect(await ids(engine, REF)).toEqual(await feedMembers(engine, 'recent'));
    await engine.close();
  });

  it('with a past asOf, or another zone: its definition, evaluated as any saved segment', async () => {
    let now = T0;
    const engine = await Engine.open({ threads: 0, shards: 2, clock: () => now, liveIntervalMs: 3_600_000 });
    await engine.append([order('o1', 'c1', T0 - DAY / 2), order('o2', 'c2', T0 - 2 * DAY), order('o3', 'c3', T0 - 10 * DAY)]);
    await engine.save('recent', '<segment><bought last="3d"/></segment>', { live: true });
    now = T0 + 2 * DAY;
    expect(await ids(engine, REF, { asOf: T0 - 8 * DAY })).toEqual(['c3']);
    expect(await ids(engine, `<segment asOf="${new Date(T0 + 2 * DAY + 1).toISOString()}"><ref segment="recent"/></segment>`)).toEqual(['c1']);
    expect(await ids(engine, REF, { tz: 'Asia/Shanghai' })).toEqual(['c1']);
    const explained = await engine.explain(REF, { asOf: T0 - 8 * DAY });
    expect(JSON.stringify(explained.plan)).not.toContain('from kept membership');
    await engine.close();
  });
});
