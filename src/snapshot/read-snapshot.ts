import fs from 'node:fs';
import path from 'node:path';
import { tableFromIPC, Vector, type Table } from 'apache-arrow';
import { AttributeIndex } from '../index/attribute-index.js';
import { Bitmap } from '../index/bitmap.js';
import { TimePosting } from '../index/time-posting.js';
import { crc32c } from '../log/crc32c.js';
import type { AttrValue } from '../model/records.js';
import { Dictionary } from '../store/dictionary.js';
import { ShandianError } from '../model/errors.js';
import { OrderDirectory } from '../store/order-directory.js';
import { sharedUint32 } from '../store/growable.js';
import { Store } from '../store/store.js';
import { corruptFile as corrupt } from '../log/checked-json.js';
import type { Manifest } from './manifest.js';
import { POSTING_DIMS } from './write-snapshot.js';

/**
 * Loads the snapshot a manifest names. Every file is checked against the
 * manifest's length and CRC-32C before a byte of it is used, so a damaged
 * snapshot is E_CORRUPT naming the file, never wrong answers. Columns and
 * posting lists are adopted as loaded (no index is rebuilt); the order-id and
 * customer lookup maps are built lazily, only if the store is appended to.
 */
export function loadSnapshot(storeDir: string, manifest: Manifest): Store {
  const dir = path.join(storeDir, 'snapshots', manifest.snapshot);
  if (manifest.format !== 1 && manifest.format !== 2 && manifest.format !== 3) {
    throw corrupt(path.join(storeDir, 'MANIFEST'), `snapshot format ${String(manifest.format)} is not one this shandian reads (1, 2, 3): written by a newer version?`);
  }
  const files = new Map(manifest.files.map((f) => [f.name, f]));
  const read = (name: string): Buffer => {
    const file = path.join(dir, name);
    const meta = files.get(name);
    if (!meta) throw corrupt(file, 'the manifest does not list this snapshot file');
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw corrupt(file, `snapshot file unreadable: ${(e as Error).message}`);
    }
    if (bytes.length !== meta.bytes) throw corrupt(file, `snapshot file has ${bytes.length} bytes, the manifest says ${meta.bytes}`);
    if (crc32c(bytes) !== meta.crc32c) throw corrupt(file, 'snapshot file checksum mismatch');
    return bytes;
  };
  const json = <T>(name: string): T => JSON.parse(read(name).toString('utf8')) as T;
  const arrow = (name: string): Table => tableFromIPC(read(name));

  const store = new Store(manifest.shards);
  const catalog = json<{ skus: string[]; categories: string[]; shops: string[]; tags: string[] }>('catalog.json');
  store.catalog.skus = Dictionary.fromValues(catalog.skus);
  store.catalog.categories = Dictionary.fromValues(catalog.categories);
  store.catalog.shops = Dictionary.fromValues(catalog.shops);
  store.catalog.tags = Dictionary.fromValues(catalog.tags);

  store.shards.forEach((shard, i) => {
    shard.customers = Dictionary.fromValues(json<string[]>(`shard-${i}-customers.json`));
    const orders = arrow(`shard-${i}-orders.arrow`);
    shard.orderCustomer.adopt(column(orders, 'customer') as Uint32Array);
    shard.orderTs.adopt(column(orders, 'ts'));
    shard.orderShop.adopt(column(orders, 'shop'));
    shard.orderAlive.adopt(column(orders, 'alive') as Uint8Array);
    const lines = arrow(`shard-${i}-lines.arrow`);
    shard.lineOrder.adopt(column(lines, 'order') as Uint32Array);
    shard.lineSku.adopt(column(lines, 'sku') as Uint32Array);
    shard.lineCategory.adopt(column(lines, 'category'));
    shard.lineQuantity.adopt(column(lines, 'quantity'));
    shard.lineAmount.adopt(column(lines, 'amount'));

    // every posting is a slice of one shared buffer: one copy, not one per posting
    const rows = sharedColumn(arrow(`shard-${i}-postings.arrow`), 'rows');
    const index = arrow(`shard-${i}-posting-index.arrow`);
    const dims = column(index, 'dim') as Uint8Array, values = column(index, 'value') as Uint32Array, counts = column(index, 'count') as Uint32Array;
    let at = 0;
    for (let k = 0; k < dims.length; k++) {
      const slice = rows.subarray(at, at + counts[k]!);
      at += counts[k]!;
      const dim = dims[k]!;
      if (dim > POSTING_DIMS.length) throw corrupt(path.join(dir, `shard-${i}-posting-index.arrow`), `unknown posting dimension ${dim}`);
      const name = POSTING_DIMS[dim]; // undefined: the all-orders posting
      if (name === 'bySku' || name === 'byCategory') {
        shard[name].setPosting(values[k]!, TimePosting.ofOrderedView(slice, shard.rowTime));
        continue;
      }
      const orders = manifest.format === 1
        ? TimePosting.fromOrdered(ordersOfLineRows(slice, shard.lineOrder.data), shard.orderTime)
        : TimePosting.ofOrderedView(slice, shard.orderTime);
      if (name === 'byShop') shard.byShop.setPosting(values[k]!, orders);
      else shard.allOrders.posting.reset(orders);
    }
    shard.rebuildDerived();

    const tags = read(`shard-${i}-tags.bin`);
    for (let off = 0; off < tags.length; ) {
      const tagId = tags.readUInt32LE(off), len = tags.readUInt32LE(off + 4);
      shard.tags.set(tagId, Bitmap.deserialize(tags.subarray(off + 8, off + 8 + len), 'portable'));
      off += 8 + len;
    }
    if (manifest.format < 3) {
      // formats 1 and 2: every attribute as JSON (customer, value) pairs
      const attrs = json<Record<string, [number, AttrValue][]>>(`shard-${i}-attrs.json`);
      for (const [name, pairs] of Object.entries(attrs)) if (pairs.length) shard.attributes.set(name, AttributeIndex.fromPairs(pairs));
    } else {
      const attrs = json<Record<string, { values: AttrValue[]; file: string }>>(`shard-${i}-attrs.json`);
      for (const [name, { values, file }] of Object.entries(attrs)) {
        const bytes = read(file);
        if (bytes.length % 4 !== 0 || !Array.isArray(values)) throw corrupt(path.join(dir, file), 'attribute column is not whole Int32 values');
        const valueOf = new Int32Array(bytes.length / 4);
        new Uint8Array(valueOf.buffer).set(bytes); // copy: the file buffer need not be 4-byte aligned
        try {
          shard.attributes.set(name, AttributeIndex.fromColumn(valueOf, values));
        } catch (e) {
          throw corrupt(path.join(dir, file), (e as Error).message);
        }
      }
    }
  });
  store.loadOrderIds(() => (manifest.format === 1 ? directoryFromJson(store, json) : directoryFromChunks(manifest, dir, read)));
  return store;
}

/** The order-id directory's pieces, `order-ids.<k>.bin` in k order. */
function directoryFromChunks(manifest: Manifest, dir: string, read: (name: string) => Buffer): OrderDirectory {
  const names = manifest.files.map((f) => f.name).filter((n) => /^order-ids\.\d+\.bin$/.test(n));
  names.sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  try {
    return OrderDirectory.fromChunks(names.map(read));
  } catch (e) {
    if (e instanceof ShandianError && e.code === 'E_CORRUPT') throw corrupt(path.join(dir, names[0] ?? 'order-ids.0.bin'), e.message);
    throw e;
  }
}

/** Format 1 kept order ids per shard as JSON arrays in ordinal order. */
function directoryFromJson(store: Store, json: <T>(name: string) => T): OrderDirectory {
  const ids = store.shards.map((_, i) => json<string[]>(`shard-${i}-order-ids.json`));
  const directory = new OrderDirectory(ids.reduce((n, a) => n + a.length, 0));
  ids.forEach((shardIds, shard) => shardIds.forEach((id, ordinal) => directory.add(id, ordinal * store.shardCount + shard)));
  return directory;
}

/**
 * Format 1 kept line rows in the shop and all-lines postings; the lines of
 * an order are adjacent there, so their orders, in that order, are the
 * order posting.
 */
function ordersOfLineRows(rows: Uint32Array, lineOrder: Uint32Array): Uint32Array {
  const out = new Uint32Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const order = lineOrder[rows[i]!]!;
    if (n === 0 || out[n - 1] !== order) out[n++] = order;
  }
  return out.subarray(0, n);
}

/** A Uint32 column copied batch by batch into one shared buffer (no concatenated copy in between). */
export function sharedColumn(table: Table, name: string): Uint32Array {
  const vector = table.getChild(name);
  if (!vector) throw new Error(`snapshot table lacks column ${name}`);
  const rows = sharedUint32(vector.length);
  let at = 0;
  for (const chunk of vector.data) {
    const values = chunk.values as Uint32Array;
    rows.set(chunk.offset === 0 ? values.subarray(0, chunk.length) : (new Vector([chunk]).toArray() as Uint32Array), at);
    at += chunk.length;
  }
  return rows;
}

/** A column as one typed array. */
function column(table: Table, name: string): ArrayLike<number> {
  const vector = table.getChild(name);
  if (!vector) throw new Error(`snapshot table lacks column ${name}`);
  return vector.toArray(); // adopt() copies it into shared memory
}
