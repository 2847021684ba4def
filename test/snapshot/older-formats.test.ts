import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { generate } from '../../src/gen/index.js';
import { crc32c } from '../../src/log/crc32c.js';
import { readManifest, writeManifest } from '../../src/snapshot/manifest.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const ASOF = '2026-11-30T23:59:59+08:00';
const QUERIES = [
  '<segment><attr name="city"><value>Xiamen</value><value>Shanghai</value></attr></segment>',
  '<segment><attr name="age" gte="30" lt="40"/><not><bought shop="jd"/></not></segment>',
  '<segment><bought last="365d" minCount="2"/><attr name="level" gte="2"/></segment>',
];

async function answers(engine: Engine): Promise<string[][]> {
  const out: string[][] = [];
  for (const q of QUERIES) out.push([...(await engine.query(q, { asOf: ASOF, tz: 'Asia/Shanghai' })).idsSync()].sort());
  return out;
}

describe('snapshot format 2 (attributes as JSON pairs)', () => {
  it('still loads, with the same answers as the format-3 snapshot it was rewritten from', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-fmt-'));
    dirs.push(dir);
    const engine = await Engine.open({ dir, shards: 2, durability: 'none' });
    await engine.append([...generate({ orders: 2000, seed: 9 })]);
    const expected = await answers(engine);
    await engine.snapshot();
    await engine.close();

    // rewrite the snapshot as format 2 would have written it
    const manifest = readManifest(dir)!;
    expect(manifest.format).toBe(3);
    const snap = path.join(dir, 'snapshots', manifest.snapshot);
    let files = manifest.files;
    for (let shard = 0; shard < manifest.shards; shard++) {
      const name = `shard-${shard}-attrs.json`;
      const attrs = JSON.parse(fs.readFileSync(path.join(snap, name), 'utf8')) as Record<string, { values: (string | number)[]; file: string }>;
      const pairs: Record<string, [number, string | number][]> = {};
      for (const [attr, { values, file }] of Object.entries(attrs)) {
        const bytes = fs.readFileSync(path.join(snap, file));
        const valueOf = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
        pairs[attr] = [];
        valueOf.forEach((v, c) => { if (v !== -1) pairs[attr]!.push([c, values[v]!]); });
        fs.rmSync(path.join(snap, file));
        files = files.filter((f) => f.name !== file);
      }
      const body = Buffer.from(JSON.stringify(pairs));
      fs.writeFileSync(path.join(snap, name), body);
      files = files.map((f) => (f.name === name ? { ...f, bytes: body.length, crc32c: crc32c(body) } : f));
    }
    writeManifest(dir, { ...manifest, format: 2, files });

    const reopened = await Engine.open({ dir, readOnly: true });
    expect(await answers(reopened)).toEqual(expected);
    expect(expected.some((ids) => ids.length > 0)).toBe(true);
    await reopened.close();
  });
});
