import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { LiveChange } from '../../src/live/feed-frame.js';
import { RefModel } from '../oracle/model.js';
import type { QNode, SegmentTree } from '../oracle/query-tree.js';
import { genDataset, Rng, ZONES } from '../oracle/random-data.js';
import { genQuery, toXml } from '../oracle/random-query.js';

/**
 * The feed against the reference model: random data (orders, refunds,
 * attribute and tag changes) appended in random batches while the clock
 * moves; after every step the membership rebuilt from the feed (customers
 * whose latest change is entered) equals the model's answer at the clock's
 * now, for every live segment (random part-one and part-two definitions:
 * relative windows, <firstOrder>/<lastOrder>, <sample>, <sequence>,
 * <score>, refs to a saved segment); and `<ref>` to each live segment at
 * now answers the feed's membership, also after the clock moved and before
 * the time changes are recorded.
 */

const SEEDS = Number(process.env.SHANDIAN_LIVE_SEEDS ?? 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function kinds(n: QNode | SegmentTree, into = new Set<string>()): Set<string> {
  if ('children' in n && !('k' in n)) for (const c of n.children) kinds(c, into);
  else {
    const q = n as QNode;
    into.add(q.k);
    if ('children' in q) for (const c of q.children) kinds(c, into);
    if ('child' in q) kinds(q.child, into);
  }
  return into;
}

class FeedMembers {
  after = 0;
  readonly latest = new Map<string, Map<string, string>>();
  lastSeq = 0;

  async read(engine: Engine, names: readonly string[]): Promise<void> {
    for (const name of names) {
      const m = this.latest.get(name) ?? new Map<string, string>();
      this.latest.set(name, m);
      for await (const c of engine.changes(name, { after: this.after })) {
        m.set(c.customer_id, c.change);
        this.check(c);
      }
    }
  }

  private readonly seqs = new Set<number>();
  check(c: LiveChange): void {
    expect(this.seqs.has(c.seq), `seq ${c.seq} twice`).toBe(false);
    this.seqs.add(c.seq);
    this.lastSeq = Math.max(this.lastSeq, c.seq);
  }

  members(name: string): string[] {
    return [...(this.latest.get(name) ?? [])].filter(([, v]) => v === 'entered').map(([k]) => k).sort();
  }
}

async function trial(seed: number, dir: string | undefined): Promise<Set<string>> {
  const ds = genDataset(seed, { minCustomers: 15, maxCustomers: 60 });
  const rng = new Rng(seed ^ 0x11fe);
  const tz = rng.pick(ZONES);
  const startMs = Math.min(...ds.vocab.asOfs) - rng.pick([0, 3 * DAY, 40 * DAY]);
  let now = startMs;
  const engine = await Engine.open({ threads: 0, shards: rng.int(1, 3), dir, tz, clock: () => now, liveIntervalMs: 3_600_000 });
  const model = new RefModel();
  const seen = new Set<string>();
  const names = ['live-a', 'live-b', 'live-c', 'live-d'];
  const trees = new Map<string, SegmentTree>();
  // a saved segment (not live) some live ones refer to
  const base = genQuery(rng, ds.vocab, { maxDepth: 2, allowRef: false, asOfHint: startMs });
  await engine.save('base', toXml(base, { rng }));
  model.save('base', base);
  const records = ds.records;
  const firstPart = rng.int(0, Math.floor(records.length / 2));
  for (const r of records.slice(0, firstPart)) model.apply(r);
  if (firstPart > 0) await engine.append(records.slice(0, firstPart) as never);
  const feed = new FeedMembers();
  for (const name of names) {
    const tree = genQuery(rng, ds.vocab, { maxDepth: 3, allowRef: true, savedNames: ['base'], asOfHint: now });
    trees.set(name, tree);
    kinds(tree, seen);
    await engine.save(name, toXml(tree, { rng }), { live: true });
  }
  let live: Engine = engine;
  const compare = async (step: string) => {
    await feed.read(live, names);
    for (const name of names) {
      const expected = [...model.evaluate(trees.get(name)!, { asOfMs: now, tz })].sort();
      expect(feed.members(name), `seed ${seed} ${step} ${name} at ${new Date(now).toISOString()}: ${toXml(trees.get(name)!)}`).toEqual(expected);
    }
    await refsAnswerKept(step);
    feed.after = feed.lastSeq;
  };
  // <ref> to a live segment at now in its zone: its kept membership, which is the feed's (contract 8.3)
  const refsAnswerKept = async (step: string) => {
    for (const name of names) {
      const ids: string[] = [];
      for await (const id of (await live.query(`<segment><ref segment="${name}"/></segment>`)).ids()) ids.push(id);
      expect(ids.sort(), `seed ${seed} ${step}: <ref segment="${name}"/> at now`).toEqual(feed.members(name));
    }
  };
  await compare('saved');
  let i = firstPart;
  while (i < records.length) {
    if (rng.bool(0.3)) {
      now += rng.pick([1000, 999, HOUR, DAY, 7 * DAY, 30 * DAY, 91 * DAY]) + (rng.bool(0.2) ? rng.int(0, 999) : 0);
      const ahead = ds.vocab.asOfs.filter((a) => a > now);
      if (ahead.length && rng.bool(0.3)) now = rng.pick(ahead) + rng.pick([0, 1, -1, 1000]);
      await refsAnswerKept('clock moved, before refreshLive'); // not the definition at the new now
      await live.refreshLive();
      await compare('time');
      continue;
    }
    if (rng.bool(0.05)) {
      // re-save one with a new definition
      const name = rng.pick(names);
      const tree = genQuery(rng, ds.vocab, { maxDepth: 3, allowRef: true, savedNames: ['base'], asOfHint: now });
      trees.set(name, tree);
      kinds(tree, seen);
      await live.save(name, toXml(tree, { rng }), { live: true });
      await compare('re-saved');
      continue;
    }
    if (dir !== undefined && rng.bool(0.05)) {
      await live.close();
      live = await Engine.open({ threads: 0, dir, tz, clock: () => now, liveIntervalMs: 3_600_000 });
      await compare('reopened');
    }
    const n = rng.pick([1, 2, 5, 20]);
    const batch = records.slice(i, i + n);
    for (const r of batch) model.apply(r);
    await live.append(batch as never);
    i += n;
    await compare(`append ${i}`);
  }
  await live.close();
  return seen;
}

describe('the change feed against the reference model', () => {
  it(`membership rebuilt from the feed equals the model at every step (${SEEDS} random stores)`, async () => {
    const base = Number(process.env.SHANDIAN_PROP_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const seen = new Set<string>();
    const wanted = ['bought', 'firstOrder', 'lastOrder', 'sample', 'sequence', 'score', 'tag', 'attr', 'ref'];
    // SEEDS stores, then more (up to SEEDS again) while an element has not come up: a random draw can miss one
    // (CI once drew no <score> in 12 stores), and every element must have been through the feed
    for (let s = 0; s < SEEDS || (s < 2 * SEEDS && wanted.some((k) => !seen.has(k))); s++) {
      const dir = s % 3 === 0 ? fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-live-prop-')) : undefined;
      for (const k of await trial((base + s * 7919) >>> 0, dir)) seen.add(k);
    }
    // the generator reached the part-two elements
    for (const k of wanted) expect(seen, `${k} (base seed ${base}, SHANDIAN_PROP_SEED)`).toContain(k);
  }, 240_000);
});
