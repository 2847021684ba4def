import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { cleanTmp, lines, ndjson, order, run, tmpDir } from './helpers.js';

const DATA = [
  order('T1', 'c1', '2026-11-01T10:00:00+08:00', 'A'),
  order('T2', 'c2', '2026-11-02T10:00:00+08:00', 'B', '5.50'),
  { type: 'tag', customer_id: 'c1', tag: 'vip', op: 'add' },
];
const VIP = '<segment><tag name="vip"/></segment>';

async function store(): Promise<string> {
  const dir = tmpDir();
  const file = path.join(dir, 'data.ndjson');
  fs.writeFileSync(file, ndjson(DATA));
  const s = path.join(dir, 'store');
  const r = await run(['ingest', '--data', s, '--shards', '2', file]);
  expect(r.code, r.stderr).toBe(0);
  return s;
}

afterAll(cleanTmp);

describe('save --name __proto__ and friends', () => {
  let s: string;
  beforeAll(async () => {
    s = await store();
  });

  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    it(`a ref to an unsaved "${name}" is E_UNKNOWN_SEGMENT, exit 2`, async () => {
      const r = await run(['query', '--data', s, '--expr', `<segment><ref segment="${name}"/></segment>`]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('E_UNKNOWN_SEGMENT');
      expect(r.stderr).not.toContain('E_INTERNAL');
    });
  }

  it('save --name __proto__ is allowed and found by <ref> from another command', async () => {
    const saved = await run(['save', '--data', s, '--name', '__proto__', '--expr', VIP]);
    expect(saved.code, saved.stderr).toBe(0);
    const q = await run(['query', '--data', s, '--format', 'ids', '--expr', '<segment><ref segment="__proto__"/></segment>']);
    expect(q.code, q.stderr).toBe(0);
    expect(lines(q.stdout)).toEqual(['c1']);
    const l = await run(['segments', '--data', s, '--json']);
    expect(JSON.parse(l.stdout)).toContainEqual({ name: '__proto__', xml: VIP });
  });
});

describe('a failed save', () => {
  it('does not print its own name among the saved segments', async () => {
    const s = await store();
    expect((await run(['save', '--data', s, '--name', 'kept', '--expr', VIP])).code).toBe(0);
    const r = await run(['save', '--data', s, '--name', 'broken', '--expr', '<segment><ref segment="ghost"/></segment>']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_UNKNOWN_SEGMENT');
    expect(r.stderr).toContain('saved: kept)');
    expect(r.stderr).not.toMatch(/saved:.*broken/);
  });
});

describe('shandian segments', () => {
  it('lists, deletes, refuses to delete a segment still referred to', async () => {
    const s = await store();
    const empty = await run(['segments', '--data', s]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toContain('no saved segments');
    expect((await run(['save', '--data', s, '--name', 'vips', '--expr', VIP])).code).toBe(0);
    expect((await run(['save', '--data', s, '--name', 'vip-buyers', '--expr', '<segment><ref segment="vips"/><bought sku="A"/></segment>'])).code).toBe(0);
    const list = await run(['segments', '--data', s]);
    expect(list.code, list.stderr).toBe(0);
    expect(lines(list.stdout)).toEqual([`vips\t${VIP}`, 'vip-buyers\t<segment><ref segment="vips"/><bought sku="A"/></segment>']);

    const refused = await run(['segments', '--data', s, '--delete', 'vips']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('E_CONFLICT');
    expect(refused.stderr).toContain('"vip-buyers"');
    expect(refused.stderr).toMatch(/delete that one first/);

    const unknown = await run(['segments', '--data', s, '--delete', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('E_UNKNOWN_SEGMENT');

    expect((await run(['segments', '--data', s, '--delete', 'vip-buyers'])).code).toBe(0);
    const del = await run(['segments', '--data', s, '--delete', 'vips']);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stderr).toContain('deleted segment "vips"');
    expect(JSON.parse((await run(['segments', '--data', s, '--json'])).stdout)).toEqual([]);
  });

  it('--delete on a directory without a store is E_BAD_ARGS and creates nothing', async () => {
    const d = path.join(tmpDir(), 'none');
    const r = await run(['segments', '--data', d, '--delete', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_BAD_ARGS');
    expect(fs.existsSync(d)).toBe(false);
  });

  it('--help teaches with examples', async () => {
    const r = await run(['segments', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--delete NAME');
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('E_CONFLICT');
    expect((await run(['--help'])).stdout).toMatch(/segments .*\n\s+info /);
  });
});

describe('shandian info', () => {
  it('prints counts, shards, tz, bytes on disk and segments; --json; while a writer holds the store', async () => {
    const s = await store();
    expect((await run(['save', '--data', s, '--name', 'vips', '--expr', VIP])).code).toBe(0);
    const writer = await Engine.open({ dir: s, threads: 0 }); // another "process" ingesting: info opens read-only
    try {
      await writer.append([order('T3', 'c3', '2026-11-03T10:00:00+08:00', 'C')]);
      const j = await run(['info', '--data', s, '--json']);
      expect(j.code, j.stderr).toBe(0);
      const info = JSON.parse(j.stdout);
      expect(info).toMatchObject({ customers: 3, orders: 3, lines: 3, shards: 2, tz: 'UTC', segments: ['vips'] });
      expect(info.logBytes).toBeGreaterThan(0);
      expect(info.totalBytes).toBeGreaterThanOrEqual(info.logBytes + info.snapshotBytes);
      expect(info.bytesPerLine).toBe(Math.round(info.totalBytes / 3));
      const t = await run(['info', '--data', s]);
      expect(t.code, t.stderr).toBe(0);
      expect(t.stdout).toMatch(/^lines\s+3$/m);
      expect(t.stdout).toMatch(/^segments\s+"vips"$/m);
      expect(t.stdout).toMatch(/bytes a line/);
    } finally {
      await writer.close();
    }
  });

  it('a missing store is E_BAD_ARGS; --help has examples', async () => {
    const r = await run(['info', '--data', path.join(tmpDir(), 'none')]);
    expect(r.code).toBe(2);
    expect((await run(['info', '--help'])).stdout).toContain('Examples:');
  });
});
