import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { LiveChange } from '../../src/live/feed-frame.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-live-'));
const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');

async function all(it: AsyncIterable<LiveChange>): Promise<LiveChange[]> {
  const out: LiveChange[] = [];
  for await (const c of it) out.push(c);
  return out;
}

/** Members as the feed says: customers whose latest change is entered. */
function membersOf(changes: readonly LiveChange[]): string[] {
  const latest = new Map<string, string>();
  for (const c of changes) latest.set(c.customer_id, c.change);
  return [...latest].filter(([, v]) => v === 'entered').map(([k]) => k).sort();
}

const order = (id: string, customer: string, ms: number, amount = '10.00') => ({
  type: 'order', order_id: id, customer_id: customer, ts: new Date(ms).toISOString(), shop: 's1', status: 'paid',
  lines: [{ sku: 'A', category: 'c', quantity: 1, amount }],
}) as const;

describe('live segments', () => {
  it('save records current members as entered (saved); an append that changes membership is in the feed before it resolves (data)', async () => {
    let now = T0;
    const engine = await Engine.open({ threads: 0, shards: 2, clock: () => now });
    await engine.append([order('o1', 'c1', T0 - DAY), { type: 'tag', customer_id: 'c2', tag: 'vip', op: 'add' }]);
    await engine.save('vipOrBuyer', '<segment><or><tag name="vip"/><bought sku="A"/></or></segment>', { live: true });
    const saved = await all(engine.changes('vipOrBuyer'));
    expect(saved.map((c) => [c.customer_id, c.change, c.cause]).sort()).toEqual([['c1', 'entered', 'saved'], ['c2', 'entered', 'saved']]);
    expect(saved.map((c) => c.seq).sort()).toEqual([1, 2]);
    expect(saved[0]!.at).toBe(new Date(T0).toISOString());
    now += 1000;
    await engine.append([order('o2', 'c3', T0), { type: 'tag', customer_id: 'c2', tag: 'vip', op: 'remove' }]);
    const data = await all(engine.changes('vipOrBuyer', { after: 2 }));
    expect(data.map((c) => [c.seq, c.customer_id, c.change, c.cause])).toEqual(expect.arrayContaining([[3, 'c3', 'entered', 'data'], [4, 'c2', 'exited', 'data']]));
    expect(data).toHaveLength(2);
    await engine.append({ type: 'refund', order_id: 'o1' });
    expect(membersOf(await all(engine.changes('vipOrBuyer')))).toEqual(['c3']);
    // the same definition again: nothing; a new one: the difference
    await engine.save('vipOrBuyer', '<segment><or><tag name="vip"/><bought sku="A"/></or></segment>', { live: true });
    expect(await all(engine.changes('vipOrBuyer', { after: 5 }))).toEqual([]);
    await engine.save('vipOrBuyer', '<segment><tag name="vip"/></segment>', { live: true });
    const resaved = await all(engine.changes('vipOrBuyer', { after: 5 }));
    expect(resaved.map((c) => [c.customer_id, c.change, c.cause])).toEqual([['c3', 'exited', 'saved']]);
    await engine.close();
  });

  it('saving a segment a live one refers to records the live one\'s difference (cause saved), and its new time dependence', async () => {
    let now = T0;
    const engine = await Engine.open({ threads: 0, shards: 1, clock: () => now });
    await engine.append([order('o1', 'c1', T0 - 2 * DAY), { type: 'tag', customer_id: 'c2', tag: 'vip', op: 'add' }]);
    await engine.save('base', '<segment><tag name="vip"/></segment>');
    await engine.save('uses', '<segment><ref segment="base"/></segment>', { live: true });
    expect(membersOf(await all(engine.changes('uses')))).toEqual(['c2']);
    await engine.save('base', '<segment><bought last="3d"/></segment>');
    const after = await all(engine.changes('uses', { after: 1 }));
    expect(after.map((c) => [c.customer_id, c.change, c.cause]).sort()).toEqual([['c1', 'entered', 'saved'], ['c2', 'exited', 'saved']]);
    now = T0 + 2 * DAY; // o1 leaves last="3d" through the ref
    await engine.refreshLive();
    expect(membersOf(await all(engine.changes('uses')))).toEqual([]);
    await engine.close();
  });

  it('an asOf attribute in a live segment is E_CONFLICT with its line:column', async () => {
    const engine = await Engine.open({ threads: 0 });
    await expect(engine.save('x', '<segment asOf="2026-01-01T00:00:00Z"><tag name="a"/></segment>', { live: true }))
      .rejects.toMatchObject({ code: 'E_CONFLICT', where: { line: 1, column: 1 } });
    await engine.save('x', '<segment asOf="2026-01-01T00:00:00Z"><tag name="a"/></segment>'); // not live: fine
    await engine.close();
  });

  it('time: a sliding window records exits (cause time) on refreshLive', async () => {
    let now = T0;
    const engine = await Engine.open({ threads: 0, shards: 1, clock: () => now });
    await engine.append([order('o1', 'c1', T0 - 2 * DAY), order('o2', 'c2', T0 - 5 * DAY)]);
    await engine.save('recent', '<segment><bought last="7d"/></segment>', { live: true });
    await engine.save('relative', '<segment><bought from="-30d" to="-3d"/></segment>', { live: true });
    expect(membersOf(await all(engine.changes('recent')))).toEqual(['c1', 'c2']);
    expect(membersOf(await all(engine.changes('relative')))).toEqual(['c2']);
    now = T0 + 3 * DAY; // o2 is 8 days old, o1 5 days
    await engine.refreshLive();
    const recent = await all(engine.changes('recent'));
    expect(recent.at(-1)).toMatchObject({ customer_id: 'c2', change: 'exited', cause: 'time', at: new Date(now).toISOString() });
    expect(membersOf(recent)).toEqual(['c1']);
    expect(membersOf(await all(engine.changes('relative')))).toEqual(['c1', 'c2']);
    await engine.close();
  });

  it('time: a sequence\'s absence period ends (within), recorded by refreshLive as time', async () => {
    let now = T0;
    const engine = await Engine.open({ threads: 0, shards: 1, clock: () => now });
    await engine.append([order('o1', 'c1', T0 - DAY), { type: 'tag', customer_id: 'c2', tag: 'vip', op: 'add' }]);
    await engine.save('no-case', '<segment><sequence within="7d"><step sku="A"/><absent sku="B"/></sequence></segment>', { live: true });
    await engine.save('vip', '<segment><tag name="vip"/></segment>', { live: true });
    expect(membersOf(await all(engine.changes('no-case')))).toEqual([]);
    now = T0 + 5 * DAY; // o1 + 7d has not passed
    await engine.refreshLive();
    expect(membersOf(await all(engine.changes('no-case')))).toEqual([]);
    now = T0 + 6 * DAY + 1000; // it has
    await engine.refreshLive();
    expect((await all(engine.changes('no-case'))).map((c) => [c.customer_id, c.change, c.cause])).toEqual([['c1', 'entered', 'time']]);
    expect((await all(engine.changes('vip'))).map((c) => c.cause)).toEqual(['saved']);
    await engine.close();
  });

  it('the feed survives close and reopen: seqs continue, membership is rebuilt, read-only opens read it', async () => {
    const dir = tmp();
    let now = T0;
    const a = await Engine.open({ dir, threads: 0, shards: 2, clock: () => now });
    await a.append([order('o1', 'c1', T0 - DAY)]);
    await a.save('buyers', '<segment><bought/></segment>', { live: true });
    await a.append([order('o2', 'c2', T0 - DAY)]);
    await a.snapshot();
    await a.close();
    const b = await Engine.open({ dir, threads: 0, clock: () => now });
    await b.append([order('o3', 'c3', T0 - DAY)]);
    const feed = await all(b.changes('buyers'));
    expect(feed.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(membersOf(feed)).toEqual(['c1', 'c2', 'c3']);
    await b.close();
    const r = await Engine.open({ dir, readOnly: true, threads: 0 });
    expect((await all(r.changes('buyers', { after: 1 }))).map((c) => c.customer_id)).toEqual(['c2', 'c3']);
    await expect(all(r.changes('nope'))).rejects.toMatchObject({ code: 'E_UNKNOWN_SEGMENT' });
    await r.close();
  });

  it('a failed feed write rejects the append with E_IO; the next round records those customers\' changes too', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, threads: 0, shards: 2 });
    await engine.save('vip', '<segment><tag name="vip"/></segment>', { live: true });
    const feed = (engine as unknown as { live: { feed: { files: { write: unknown } } } }).live.feed;
    const write = feed.files.write;
    feed.files = { ...feed.files, write: async () => { throw Object.assign(new Error('no space'), { code: 'ENOSPC' }); } } as never;
    await expect(engine.append({ type: 'tag', customer_id: 'a', tag: 'vip', op: 'add' })).rejects.toMatchObject({ code: 'E_IO' });
    feed.files = { ...feed.files, write } as never;
    await engine.append({ type: 'tag', customer_id: 'b', tag: 'vip', op: 'add' });
    expect(membersOf(await all(engine.changes('vip')))).toEqual(['a', 'b']);
    await engine.close();
    const again = await Engine.open({ dir, threads: 0 });
    expect((await all(again.changes('vip'))).map((c) => [c.seq, c.customer_id])).toEqual([[1, 'a'], [2, 'b']]);
    await again.close();
  });

  it('follow: waits for new changes until the signal aborts', async () => {
    const engine = await Engine.open({ threads: 0 });
    await engine.save('vip', '<segment><tag name="vip"/></segment>', { live: true });
    const ac = new AbortController();
    const seen: LiveChange[] = [];
    const done = (async () => {
      try {
        for await (const c of engine.changes('vip', { follow: true, signal: ac.signal })) {
          seen.push(c);
          if (seen.length === 2) ac.abort();
        }
      } catch (e) {
        return e;
      }
    })();
    await engine.append({ type: 'tag', customer_id: 'a', tag: 'vip', op: 'add' });
    await engine.append({ type: 'tag', customer_id: 'b', tag: 'vip', op: 'add' });
    expect(await done).toMatchObject({ name: 'AbortError' });
    expect(seen.map((c) => c.customer_id)).toEqual(['a', 'b']);
    // a follower ends when the engine closes
    const rest: LiveChange[] = [];
    const ended = (async () => {
      for await (const c of engine.changes('vip', { after: 2, follow: true })) rest.push(c);
      return 'ended';
    })();
    await new Promise((r) => setTimeout(r, 50));
    await engine.close();
    expect(await ended).toBe('ended');
    expect(rest).toEqual([]);
  });
});
