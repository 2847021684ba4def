import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { LiveChange } from '../../src/live/feed-frame.js';
import { cleanTmp, ndjson, order, run, spawnCli, tmpDir } from './helpers.js';

afterAll(cleanTmp);

const VIP = '<segment><tag name="vip"/></segment>';

async function store(): Promise<string> {
  const dir = tmpDir();
  const file = path.join(dir, 'data.ndjson');
  fs.writeFileSync(file, ndjson([
    order('T1', 'c1', '2026-11-01T10:00:00+08:00', 'A'),
    { type: 'tag', customer_id: 'c1', tag: 'vip', op: 'add' },
    { type: 'tag', customer_id: 'c2', tag: 'vip', op: 'add' },
  ]));
  const s = path.join(dir, 'store');
  expect((await run(['ingest', '--data', s, '--shards', '2', file])).code).toBe(0);
  return s;
}

describe('shandian save --live and shandian changes', () => {
  it('prints the same changes as engine.changes, as NDJSON, from --after on', async () => {
    const s = await store();
    const saved = await run(['save', '--data', s, '--name', 'vips', '--live', '--expr', VIP]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toContain('saved live segment "vips"');
    const engine = await Engine.open({ dir: s, threads: 0 });
    await engine.append([{ type: 'tag', customer_id: 'c1', tag: 'vip', op: 'remove' }, { type: 'tag', customer_id: 'c3', tag: 'vip', op: 'add' }]);
    const api: LiveChange[] = [];
    for await (const c of engine.changes('vips')) api.push(c);
    await engine.close();
    expect(api).toHaveLength(4);
    const cli = await run(['changes', '--data', s, '--name', 'vips']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual(api);
    const after = await run(['changes', '--data', s, '--name', 'vips', '--after', '2']);
    expect(after.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual(api.filter((c) => c.seq > 2));
  });

  it('refuses an unknown segment, a bad --after and a live asOf with exit 2', async () => {
    const s = await store();
    expect((await run(['changes', '--data', s, '--name', 'nope'])).stderr).toContain('E_UNKNOWN_SEGMENT');
    expect((await run(['changes', '--data', s, '--name', 'nope'])).code).toBe(2);
    const bad = await run(['changes', '--data', s, '--name', 'x', '--after', '-1']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--after')]);
    const asOf = await run(['save', '--data', s, '--name', 'x', '--live', '--expr', '<segment asOf="2026-01-01T00:00:00Z"><tag name="vip"/></segment>']);
    expect([asOf.code, asOf.stderr]).toEqual([2, expect.stringContaining('E_CONFLICT: line 1, column 1')]);
  });

  it('--follow prints changes appended by another process as they come (built binary)', async () => {
    const s = await store();
    expect((await run(['save', '--data', s, '--name', 'vips', '--live', '--expr', VIP])).code).toBe(0);
    const follower = spawnCli(['changes', '--data', s, '--name', 'vips', '--after', '2', '--follow'], undefined, 4000);
    await new Promise((r) => setTimeout(r, 1000));
    const engine = await Engine.open({ dir: s, threads: 0 });
    await engine.append({ type: 'tag', customer_id: 'c9', tag: 'vip', op: 'add' });
    await engine.close();
    const out = await follower; // killed by its timeout
    expect(out.stdout.trim().split('\n').map((l) => JSON.parse(l))).toMatchObject([{ seq: 3, customer_id: 'c9', change: 'entered', cause: 'data' }]);
  });
});
