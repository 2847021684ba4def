import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { generate } from '../../src/gen/index.js';
import { crc32c } from '../../src/log/crc32c.js';
import { readManifest, writeManifest, type SnapshotFile } from '../../src/snapshot/manifest.js';
import { loadSnapshot } from '../../src/snapshot/read-snapshot.js';
import { StringArena } from '../../src/store/string-arena.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-snap-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const ASOF = '2026-11-30T23:59:59+08:00';
const QUERIES = [
  '<segment><bought category="shoes" last="180d"/></segment>',
  '<segment><bought last="365d" minCount="3" minAmount="500"/></segment>',
  '<segment><tag name="vip"/><attr name="city"><value>Xiamen</value><value>Shanghai</value></attr></segment>',
  '<segment><attr name="age" gte="30" lt="40"/><not><bought shop="jd"/></not></segment>',
  '<segment><not><tag name="newsletter"/></not></segment>',
];

async function answers(engine: Engine): Promise<string[][]> {
  const out: string[][] = [];
  for (const q of QUERIES) out.push([...(await engine.query(q, { asOf: ASOF, tz: 'Asia/Shanghai' })).idsSync()].sort());
  return out;
}

async function buildStore(dir: string, orders = 3000): Promise<string[][]> {
  const engine = await Engine.open({ dir, shards: 2, durability: 'none' });
  const records = [...generate({ orders, seed: 5 })];
  for (let i = 0; i < records.length; i += 500) await engine.append(records.slice(i, i + 500));
  const expected = await answers(engine);
  await engine.snapshot();
  await engine.close();
  return expected;
}

/** Customer ids as formats 1 to 3 wrote them: a JSON array per shard, not a string arena. */
function withJsonCustomers(snap: string, files: SnapshotFile[]): SnapshotFile[] {
  return files.map((f) => {
    const m = /^shard-(\d+)-customers\.bin$/.exec(f.name);
    if (!m) return f;
    const arena = StringArena.fromBytes(new Uint8Array(fs.readFileSync(path.join(snap, f.name))));
    const body = Buffer.from(JSON.stringify(Array.from({ length: arena.count }, (_, i) => arena.get(i))));
    fs.rmSync(path.join(snap, f.name));
    const name = `shard-${m[1]}-customers.json`;
    fs.writeFileSync(path.join(snap, name), body);
    return { name, bytes: body.length };
  });
}

/** Manifest entries as formats 1 to 3 wrote them: CRC-32C, no CRC-32. */
function withCrc32c(snap: string, files: SnapshotFile[]): SnapshotFile[] {
  return files.map(({ name, bytes }) => ({ name, bytes, crc32c: crc32c(fs.readFileSync(path.join(snap, name))) }));
}

describe('snapshots', () => {
  it('reopen from a snapshot answers exactly as before, and the covered log is gone', async () => {
    const dir = tmp();
    const expected = await buildStore(dir);
    expect(fs.readdirSync(path.join(dir, 'log'))).toEqual([]);
    const engine = await Engine.open({ dir });
    expect(await answers(engine)).toEqual(expected);
    expect(engine.recovery?.frames).toBe(0);
    await engine.close();
  });

  it('appends after a snapshot land in the log and survive a reopen, including duplicates and refunds of snapshot orders', async () => {
    const dir = tmp();
    await buildStore(dir);
    const engine = await Engine.open({ dir });
    // an order id from the snapshot is still known: duplicate refused, refund accepted
    await expect(engine.append({ type: 'order', order_id: 'T00000001', customer_id: 'x', ts: 0, shop: 's', status: 'paid', lines: [{ sku: 'a', category: 'b', quantity: 1, amount: 1 }] }))
      .rejects.toThrow(/duplicate order_id/);
    await engine.append([{ type: 'refund', order_id: 'T00000002' }, { type: 'tag', customer_id: 'new-one', tag: 'newsletter', op: 'add' },
      { type: 'order', order_id: 'NEW-1', customer_id: 'new-one', ts: '2026-11-20T10:00:00+08:00', shop: 'jd', status: 'paid', lines: [{ sku: 'SKU-000001', category: 'shoes', quantity: 1, amount: '10.00' }] }]);
    const expected = await answers(engine);
    await engine.close();
    const again = await Engine.open({ dir });
    expect(await answers(again)).toEqual(expected);
    expect(again.recovery?.frames).toBe(1);
    // and a second snapshot over the first
    await again.snapshot();
    await again.close();
    const third = await Engine.open({ dir, readOnly: true });
    expect(await answers(third)).toEqual(expected);
    await third.close();
  });

  it('a flipped byte in any snapshot file or the manifest is E_CORRUPT, or the answers are exact', async () => {
    const dir = tmp();
    const expected = await buildStore(dir, 400);
    const snapDir = path.join(dir, 'snapshots', fs.readdirSync(path.join(dir, 'snapshots'))[0]!);
    const files = [path.join(dir, 'MANIFEST'), ...fs.readdirSync(snapDir).map((f) => path.join(snapDir, f))];
    let refused = 0;
    for (const file of files) {
      const original = fs.readFileSync(file);
      // a few positions per file: start, middle, end, and some in between
      const positions = [...new Set([0, 1, Math.floor(original.length / 3), Math.floor(original.length / 2), original.length - 1])].filter((p) => p >= 0 && p < original.length);
      for (const pos of positions) {
        const bad = Buffer.from(original);
        bad[pos]! ^= 0x04;
        fs.writeFileSync(file, bad);
        try {
          const engine = await Engine.open({ dir, readOnly: true });
          // order ids load lazily; force every file to be read
          void (engine as unknown as { store: { orders: unknown } }).store.orders;
          expect(await answers(engine)).toEqual(expected);
          await engine.close();
        } catch (e) {
          expect((e as { code?: string }).code).toBe('E_CORRUPT');
          refused++;
        }
      }
      fs.writeFileSync(file, original);
    }
    expect(refused).toBeGreaterThan(files.length);
  });
});

describe('small store files', () => {
  it('a flipped byte in meta.json or segments.json is E_CORRUPT, never a different answer', async () => {
    const dir = tmp();
    const engine = await Engine.open({ dir, shards: 3 });
    await engine.append({ type: 'tag', customer_id: 'c1', tag: 'vip', op: 'add' });
    await engine.save('vips', '<segment><tag name="vip"/></segment>');
    await engine.close();
    for (const name of ['meta.json', 'segments.json']) {
      const file = path.join(dir, name);
      const original = fs.readFileSync(file);
      for (let pos = 0; pos < original.length; pos++) {
        const bad = Buffer.from(original);
        bad[pos]! ^= 0x01;
        fs.writeFileSync(file, bad);
        try {
          const e = await Engine.open({ dir, readOnly: true });
          expect((await e.query('<segment><ref segment="vips"/></segment>')).count).toBe(1);
          expect(e.size.shards).toBe(3);
          await e.close();
        } catch (err) {
          expect((err as { code?: string }).code).toBe('E_CORRUPT');
        }
      }
      fs.writeFileSync(file, original);
    }
  });
});

describe('a write error during a snapshot', () => {
  it('is E_IO, leaves the previous snapshot and log in charge, and loses nothing', async () => {
    const { snapshotFiles } = await import('../../src/snapshot/write-snapshot.js');
    const dir = tmp();
    const expected = await buildStore(dir, 800);
    const engine = await Engine.open({ dir });
    await engine.append({ type: 'order', order_id: 'LATE-1', customer_id: 'late', ts: '2026-11-20T10:00:00+08:00', shop: 'jd', status: 'paid',
      lines: [{ sku: 'SKU-000001', category: 'shoes', quantity: 1, amount: '10.00' }] });
    const after = await answers(engine);
    const real = snapshotFiles.write;
    for (const failAt of [0, 3, 7]) {
      let n = 0;
      snapshotFiles.write = (file, bytes) => {
        if (n++ === failAt) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        real(file, bytes);
      };
      try {
        await expect(engine.snapshot()).rejects.toMatchObject({ code: 'E_IO' });
      } finally {
        snapshotFiles.write = real;
      }
      expect(fs.readdirSync(path.join(dir, 'snapshots'))).toHaveLength(1); // the partial one is gone
    }
    // appends and queries go on, and a reopen answers exactly
    expect(await answers(engine)).toEqual(after);
    await engine.close();
    const again = await Engine.open({ dir, readOnly: true });
    expect(await answers(again)).toEqual(after);
    expect(after).not.toEqual(expected);
    await again.close();
  });
});

describe('snapshot format 2 (attributes as JSON pairs)', () => {
  it('still loads, with the same answers as the format-3 snapshot it was rewritten from', async () => {
    const dir = tmp();
    const expected = await buildStore(dir, 2000);
    // rewrite the snapshot as format 2 would have written it
    const manifest = readManifest(dir)!;
    expect(manifest.format).toBe(4);
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
      files = files.map((f) => (f.name === name ? { ...f, bytes: body.length } : f));
    }
    writeManifest(dir, { ...manifest, format: 2, files: withCrc32c(snap, withJsonCustomers(snap, files)) });

    const reopened = await Engine.open({ dir, readOnly: true });
    expect(await answers(reopened)).toEqual(expected);
    expect(expected.some((ids) => ids.length > 0)).toBe(true);
    await reopened.close();
  });
});

describe('snapshot format 3 (CRC-32C checksums)', () => {
  it('still loads with the same answers, and a flipped byte in one of its columns is E_CORRUPT', async () => {
    const dir = tmp();
    const expected = await buildStore(dir, 2000);
    const manifest = readManifest(dir)!;
    const snap = path.join(dir, 'snapshots', manifest.snapshot);
    writeManifest(dir, { ...manifest, format: 3, files: withCrc32c(snap, withJsonCustomers(snap, manifest.files)) });
    expect(readManifest(dir)!.files.every((f) => f.crc32 === undefined && typeof f.crc32c === 'number')).toBe(true);

    const reopened = await Engine.open({ dir, readOnly: true });
    expect(await answers(reopened)).toEqual(expected);
    await reopened.close();

    const file = path.join(snap, 'shard-0-lines.arrow');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0x10;
    fs.writeFileSync(file, bytes);
    await expect(Engine.open({ dir, readOnly: true })).rejects.toMatchObject({ code: 'E_CORRUPT', where: { file } });
  });
});

describe('loading a snapshot', () => {
  it('keeps every customer id exactly (non-ASCII, emoji, control characters) through the string arena', async () => {
    const dir = tmp();
    const ids = ['ü-客户', '😀', 'tab\tid', 'plain-1', '__proto__'];
    const engine = await Engine.open({ dir, shards: 2, durability: 'none' });
    await engine.append(ids.map((id, k) => ({
      type: 'order' as const, order_id: `o${k}`, customer_id: id, ts: 1_700_000_000 + k, shop: 's', status: 'paid' as const,
      lines: [{ sku: 'a', category: 'b', quantity: 1, amount: 1 }],
    })));
    await engine.snapshot();
    await engine.close();
    expect(fs.readdirSync(path.join(dir, 'snapshots', readManifest(dir)!.snapshot)).filter((f) => f.endsWith('customers.bin'))).toHaveLength(2);
    const reopened = await Engine.open({ dir });
    expect([...(await reopened.query('<segment><bought sku="a"/></segment>')).idsSync()].sort()).toEqual([...ids].sort());
    // lookups and new customers after the loaded ones
    expect((await reopened.query('<segment><bought sku="a"/></segment>')).has('😀')).toBe(true);
    await reopened.append({ type: 'order', order_id: 'o-new', customer_id: 'new-客户', ts: 1_700_000_100, shop: 's', status: 'paid', lines: [{ sku: 'a', category: 'b', quantity: 1, amount: 1 }] });
    expect((await reopened.query('<segment><bought sku="a"/></segment>')).count).toBe(ids.length + 1);
    await reopened.close();
  });

  it('keeps columns and postings in the shared buffers the files were read into (no copy per column)', async () => {
    const dir = tmp();
    await buildStore(dir, 2000);
    const store = loadSnapshot(dir, readManifest(dir)!);
    const shard = store.shards[0]!;
    const ordersFile = shard.orderCustomer.data.buffer;
    expect(ordersFile).toBeInstanceOf(SharedArrayBuffer);
    // the order columns are views of one file's buffer, the line columns of another
    for (const c of [shard.orderTs, shard.orderShop, shard.orderAlive]) expect(c.data.buffer).toBe(ordersFile);
    const linesFile = shard.lineOrder.data.buffer;
    expect(linesFile).not.toBe(ordersFile);
    for (const c of [shard.lineSku, shard.lineCategory, shard.lineQuantity, shard.lineAmount]) expect(c.data.buffer).toBe(linesFile);
    // and every posting is a view of the postings file's buffer
    const postingsFile = shard.allOrders.posting.rows.data.buffer;
    expect(postingsFile).toBeInstanceOf(SharedArrayBuffer);
    expect(shard.bySku.posting(0)!.rows.data.buffer).toBe(postingsFile);
    expect(shard.byShop.posting(0)!.rows.data.buffer).toBe(postingsFile);
  });

  it('maps the derived columns (order amounts, customer totals) it keeps, equal to rebuilding them', async () => {
    const dir = tmp();
    await buildStore(dir, 2000);
    const store = loadSnapshot(dir, readManifest(dir)!);
    for (const shard of store.shards) {
      expect(shard.orderAmount.data.buffer).toBe(shard.orderCustomer.data.buffer); // a column of the orders file
      const loaded = [shard.orderAmount, shard.customerOrders, shard.customerCents].map((c) => Array.from(c.view()));
      expect(loaded[0]!.length).toBe(shard.orderCount);
      expect(loaded[1]!.some((n) => n > 0)).toBe(true);
      shard.rebuildOrderAmounts();
      shard.rebuildCustomerTotals();
      expect([shard.orderAmount, shard.customerOrders, shard.customerCents].map((c) => Array.from(c.view()))).toEqual(loaded);
    }
  });

  it('rebuilds the derived columns when the snapshot lacks them (formats 1 to 3), with the same answers', async () => {
    const dir = tmp();
    const expected = await buildStore(dir, 2000);
    const manifest = readManifest(dir)!;
    const snap = path.join(dir, 'snapshots', manifest.snapshot);
    const files = manifest.files.filter((f) => !f.name.endsWith('-customer-totals.arrow')).map((f) => {
      if (!f.name.endsWith('-orders.arrow')) return f;
      const orders = tableFromIPC(fs.readFileSync(path.join(snap, f.name)));
      const body = tableToIPC(orders.select(['customer', 'ts', 'shop', 'alive']), 'file');
      fs.writeFileSync(path.join(snap, f.name), body);
      return { name: f.name, bytes: body.length };
    });
    writeManifest(dir, { ...manifest, format: 3, files: withCrc32c(snap, withJsonCustomers(snap, files)) });
    const store = loadSnapshot(dir, readManifest(dir)!);
    expect(store.shards[0]!.orderAmount.data.buffer).not.toBe(store.shards[0]!.orderCustomer.data.buffer);
    const reopened = await Engine.open({ dir, readOnly: true });
    expect(await answers(reopened)).toEqual(expected);
    await reopened.close();
  });
});
