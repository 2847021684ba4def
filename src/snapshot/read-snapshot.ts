import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { tableFromIPC, type Table } from 'apache-arrow';
import { AttributeIndex } from '../index/attribute-index.js';
import { Bitmap } from '../index/bitmap.js';
import { PostingRuns } from '../index/posting-runs.js';
import { TimePosting } from '../index/time-posting.js';
import { crc32c } from '../log/crc32c.js';
import type { AttrValue } from '../model/records.js';
import { Dictionary } from '../store/dictionary.js';
import { StringArena } from '../store/string-arena.js';
import { fail, ShandianError } from '../model/errors.js';
import { OrderDirectory } from '../store/order-directory.js';
import { sharedUint32, type NarrowData } from '../columns/growable.js';
import { Store } from '../store/store.js';
import { crc32Chunked } from '../log/file-io.js';
import { loadSharedFile } from './map-file.js';
import type { Manifest, SnapshotFile } from './manifest.js';
import { POSTING_DIMS } from './write-snapshot.js';
import { verifyChecksums } from './verify-checksums.js';

/**
 * Loads the snapshot a manifest names. Every file is checked against the
 * manifest's length and checksum before a byte of it is used, so a damaged
 * snapshot is E_CORRUPT naming the file, never wrong answers. Columns and
 * posting lists are adopted as loaded (no index is rebuilt); the order-id and
 * customer lookup maps are built lazily, only if the store is appended to.
 */
export function loadSnapshot(storeDir: string, manifest: Manifest): Store {
  const dir = path.join(storeDir, 'snapshots', manifest.snapshot);
  if (![1, 2, 3, 4].includes(manifest.format)) {
    throw fail.corruptFile(path.join(storeDir, 'MANIFEST'), `snapshot format ${String(manifest.format)} is not one this shandian reads (1 to 4): written by a newer version?`);
  }
  const files = new Map(manifest.files.map((f) => [f.name, f]));
  const load = (name: string): Buffer => {
    const file = path.join(dir, name);
    const meta = files.get(name);
    if (!meta) throw fail.corruptFile(file, 'the manifest does not list this snapshot file');
    let bytes: Buffer;
    try {
      bytes = loadSharedFile(file);
    } catch (e) {
      // a missing file is damage; any other failure keeps its real cause (EACCES, EIO, a bug) and is not called damage
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw fail.corruptFile(file, `snapshot file unreadable: ${(e as Error).message}`);
      throw fail.io(e, 'reading a snapshot file failed', { file }, 'nothing was changed');
    }
    if (bytes.length !== meta.bytes) throw fail.corruptFile(file, `snapshot file has ${bytes.length} bytes, the manifest says ${meta.bytes}`);
    return bytes;
  };
  // Every file opening reads (not the order-id directory: appends only) is checked up front, on two threads.
  const eager = manifest.files.filter((f) => f.crc32 !== undefined && !/order-ids/.test(f.name));
  const verified = new Map(eager.map((f) => [f.name, load(f.name)]));
  verifyChecksums(eager.map((f) => ({ bytes: verified.get(f.name)!, crc32: f.crc32! }))).forEach((ok, k) => {
    if (!ok) throw fail.corruptFile(path.join(dir, eager[k]!.name), 'snapshot file checksum mismatch');
  });
  const read = (name: string): Buffer => {
    const early = verified.get(name);
    if (early) return early;
    const bytes = load(name);
    if (!checksumMatches(bytes, files.get(name)!)) throw fail.corruptFile(path.join(dir, name), 'snapshot file checksum mismatch');
    return bytes;
  };
  const json = <T>(name: string): T => JSON.parse(read(name).toString('utf8')) as T;
  const arrow = (name: string): Table => tableFromIPC(read(name));
  const arena = (name: string): StringArena => {
    try {
      return StringArena.fromBytes(read(name));
    } catch (e) {
      throw e instanceof ShandianError && e.code === 'E_CORRUPT' ? fail.corruptFile(path.join(dir, name), e.message) : e;
    }
  };

  const store = new Store(manifest.shards);
  const catalog = json<{ skus: string[]; categories: string[]; shops: string[]; tags: string[] }>('catalog.json');
  store.catalog.skus = Dictionary.fromValues(catalog.skus);
  store.catalog.categories = Dictionary.fromValues(catalog.categories);
  store.catalog.shops = Dictionary.fromValues(catalog.shops);
  store.catalog.tags = Dictionary.fromValues(catalog.tags);

  store.shards.forEach((shard, i) => {
    // format 4 keeps customer ids as a string arena (decoded only when asked for); earlier ones as JSON
    shard.customers = files.has(`shard-${i}-customers.bin`)
      ? Dictionary.fromArena(arena(`shard-${i}-customers.bin`))
      : Dictionary.fromValues(json<string[]>(`shard-${i}-customers.json`));
    const orders = arrow(`shard-${i}-orders.arrow`);
    // the files were read into shared memory: columns of the right type stay where they are (no copy)
    shard.orderCustomer.take(column(orders, 'customer') as Uint32Array);
    shard.orderTs.take(column(orders, 'ts') as NarrowData);
    shard.orderShop.take(column(orders, 'shop') as NarrowData);
    shard.orderAlive.take(column(orders, 'alive') as Uint8Array);
    const lines = arrow(`shard-${i}-lines.arrow`);
    shard.lineOrder.take(column(lines, 'order') as Uint32Array);
    shard.lineSku.take(column(lines, 'sku') as Uint32Array);
    shard.lineCategory.take(column(lines, 'category') as NarrowData);
    shard.lineQuantity.take(column(lines, 'quantity') as NarrowData);
    shard.lineAmount.take(column(lines, 'amount') as NarrowData);

    const index = arrow(`shard-${i}-posting-index.arrow`);
    const dims = column(index, 'dim') as Uint8Array, values = column(index, 'value') as Uint32Array, counts = column(index, 'count') as Uint32Array;
    const runs = postingRuns(arrow(`shard-${i}-postings.arrow`), counts);
    for (let k = 0; k < dims.length; k++) {
      const dim = dims[k]!;
      if (dim > POSTING_DIMS.length) throw fail.corruptFile(path.join(dir, `shard-${i}-posting-index.arrow`), `unknown posting dimension ${dim}`);
      const name = POSTING_DIMS[dim]; // undefined: the all-orders posting
      if (name === 'bySku' || name === 'byCategory') {
        shard[name].loadPosting(values[k]!, k); // made into a TimePosting when first used
        continue;
      }
      const slice = runs.rows(k);
      const orders = manifest.format === 1
        ? TimePosting.fromOrdered(ordersOfLineRows(slice, shard.lineOrder.data), shard.orderTime)
        : TimePosting.ofOrderedView(slice, shard.orderTime);
      if (name === 'byShop') shard.byShop.setPosting(values[k]!, orders);
      else shard.allOrders.posting.reset(orders);
    }
    shard.bySku.finishLoading(runs, shard.rowTime);
    shard.byCategory.finishLoading(runs, shard.rowTime);
    // derived columns: kept by format 4, rebuilt from the columns for earlier snapshots
    if (orders.getChild('amount')) shard.orderAmount.take(column(orders, 'amount') as NarrowData);
    else shard.rebuildOrderAmounts();
    if (files.has(`shard-${i}-customer-totals.arrow`)) {
      const totals = arrow(`shard-${i}-customer-totals.arrow`);
      shard.customerOrders.take(column(totals, 'orders') as Uint32Array);
      shard.customerCents.take(column(totals, 'cents') as Float64Array);
    } else {
      shard.rebuildCustomerTotals();
    }
    shard.allOrders.sync(shard.orderColumns);

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
        if (bytes.length % 4 !== 0 || !Array.isArray(values)) throw fail.corruptFile(path.join(dir, file), 'attribute column is not whole Int32 values');
        const valueOf = new Int32Array(bytes.length / 4);
        new Uint8Array(valueOf.buffer).set(bytes); // copy: the file buffer need not be 4-byte aligned
        try {
          shard.attributes.set(name, AttributeIndex.fromColumn(valueOf, values));
        } catch (e) {
          throw fail.corruptFile(path.join(dir, file), e instanceof ShandianError ? e.reason : (e as Error).message);
        }
      }
    }
  });
  store.loadOrderIds(() => (manifest.format === 1 ? directoryFromJson(store, json) : directoryFromChunks(manifest, dir, read)));
  verified.clear(); // the lazy order-id read keeps `read` alive: not the files it no longer needs
  return store;
}

/** The order-id directory's pieces, `order-ids.<k>.bin` in k order. */
function directoryFromChunks(manifest: Manifest, dir: string, read: (name: string) => Buffer): OrderDirectory {
  const names = manifest.files.map((f) => f.name).filter((n) => /^order-ids\.\d+\.bin$/.test(n));
  names.sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  try {
    return OrderDirectory.fromChunks(names.map(read));
  } catch (e) {
    if (e instanceof ShandianError && e.code === 'E_CORRUPT') throw fail.corruptFile(path.join(dir, names[0] ?? 'order-ids.0.bin'), e.message);
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

/**
 * The postings file's rows as one run per posting (`counts`, in order). The
 * writer never splits a posting across record batches (postingBatches), so
 * each run lies in its batch in the file's shared buffer; one that does
 * cross batches (a writer that batched differently) is copied into shared
 * memory of its own.
 */
export function postingRuns(table: Table, counts: Uint32Array): PostingRuns {
  const vector = table.getChild('rows');
  if (!vector) throw fail.corrupt('snapshot table lacks column rows', {}, SNAPSHOT_MISMATCH);
  const buffers = vector.data.map((chunk) => shared((chunk.values as Uint32Array).subarray(chunk.offset, chunk.offset + chunk.length)));
  if (buffers.length === 0) buffers.push(sharedUint32(0));
  const batches = buffers.length;
  const buffer = new Uint32Array(counts.length), start = new Float64Array(counts.length);
  let c = 0, at = 0; // batch index, row within it
  for (let k = 0; k < counts.length; k++) {
    let need = counts[k]!;
    while (c < batches && at === buffers[c]!.length) { c++; at = 0; }
    if (need === 0 || (c < batches && at + need <= buffers[c]!.length)) {
      buffer[k] = Math.min(c, batches - 1); // an empty posting past the last batch: any batch will do
      start[k] = need === 0 ? 0 : at;
      at += need;
      continue;
    }
    const rows = sharedUint32(need);
    for (let filled = 0; need > 0; ) {
      while (c < batches && at === buffers[c]!.length) { c++; at = 0; }
      if (c === batches) throw fail.corrupt('posting counts exceed the rows in the postings file', {}, SNAPSHOT_MISMATCH);
      const take = Math.min(need, buffers[c]!.length - at);
      rows.set(buffers[c]!.subarray(at, at + take), filled);
      filled += take; at += take; need -= take;
    }
    buffer[k] = buffers.length;
    start[k] = 0;
    buffers.push(rows);
  }
  return new PostingRuns(buffers, buffer, start, counts);
}

/** `rows` itself if it is in shared memory (query workers read it in place), else a shared copy. */
function shared(rows: Uint32Array): Uint32Array {
  if (rows.buffer instanceof SharedArrayBuffer) return rows;
  const copy = sharedUint32(rows.length);
  copy.set(rows);
  return copy;
}

/** A column as one typed array: a view into the file's buffer when it is one record batch. */
function column(table: Table, name: string): ArrayLike<number> {
  const vector = table.getChild(name);
  if (!vector) throw fail.corrupt(`snapshot table lacks column ${name}`, {}, SNAPSHOT_MISMATCH);
  return vector.toArray(); // one chunk, no nulls: a view of the values, no copy
}

/** Snapshot files whose checksums hold but whose contents do not fit together (another writer, or a bug). */
const SNAPSHOT_MISMATCH = 'the snapshot files do not fit together although their checksums hold: restore the store from a backup, and please report this message';

/** CRC-32 (zlib, native) for format 4 and later; the CRC-32C earlier snapshots carry. */
function checksumMatches(bytes: Uint8Array, meta: SnapshotFile): boolean {
  if (meta.crc32 !== undefined) return crc32Chunked(bytes) === meta.crc32;
  return meta.crc32c !== undefined && crc32c(bytes) === meta.crc32c;
}
