import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { makeTable, Table, tableToIPC } from 'apache-arrow';
import { fail } from '../model/errors.js';
import type { AttrValue } from '../model/records.js';
import type { Store } from '../store/store.js';
import type { Shard } from '../store/shard.js';
import { fsyncDir } from '../log/checked-json.js';
import { checkBufferBytes, crc32Chunked, writeFileSynced } from '../log/file-io.js';
import { readManifest, removableSnapshots, SNAPSHOTS, writeManifest, type Manifest, type SnapshotFile } from './manifest.js';

/** Dimension order of posting lists in a snapshot (byShop and dim 3, all orders, hold order ordinals; the others line rows). */
export const POSTING_DIMS = ['bySku', 'byCategory', 'byShop'] as const;

/** Rows per record batch of the postings file (about 4 MiB). */
const BATCH_ROWS = 1 << 20;

/**
 * Writes the whole store as a new snapshot directory (Arrow IPC columns,
 * roaring portable bitmaps, JSON dictionaries), fsyncs every file, then makes
 * it current by renaming a new MANIFEST into place. Older snapshots are
 * removed only after that rename, and only those the new manifest lists as
 * superseded (see removableSnapshots). The caller rolls the log first, so the
 * snapshot covers exactly the segments below `nextLogSegment`.
 */
export function writeSnapshot(storeDir: string, store: Store, nextLogSegment: number): Manifest {
  const writer = new SnapshotWriter(storeDir);
  return writer.guard(() => {
    store.shards.forEach((shard, i) => writer.writeShard(i, shard));
    return writer.finish(store, nextLogSegment);
  });
}

/**
 * A snapshot written in stages: each shard's files (as soon as that shard is
 * complete: a bulk build writes a shard and drops it before building the
 * next), then the store-wide files and the manifest. Nothing is current
 * until finish() renames the manifest into place.
 */
export class SnapshotWriter {
  /** unique even for two snapshots in one millisecond (the directory must never be one already there) */
  private readonly name = `${Date.now().toString(36)}-${process.pid}-${nextWriter++}`;
  private readonly root: string;
  /** where files are written: `<name>.partial` until finish() renames it to `<name>` */
  private readonly dir: string;
  private readonly finalDir: string;
  private readonly files: SnapshotFile[] = [];
  /** what the shards written so far hold */
  private readonly records = { customers: 0, orders: 0, lines: 0 };

  constructor(private readonly storeDir: string) {
    this.root = path.join(storeDir, SNAPSHOTS);
    this.dir = path.join(this.root, `${this.name}.partial`);
    this.finalDir = path.join(this.root, this.name);
    fs.mkdirSync(this.root, { recursive: true });
    fs.mkdirSync(this.dir); // a fresh, unique directory: never write into one that exists
  }

  /** Runs `work`; on failure drops the partial snapshot and reports E_IO. */
  guard<T>(work: () => T): T {
    try {
      return work();
    } catch (e) {
      // the manifest still names the previous snapshot (or none): drop the partial one
      // (finish() removes its renamed directory itself if the manifest could not be written)
      fs.rmSync(this.dir, { recursive: true, force: true });
      // the real cause, with a hint that fits it (ENOSPC: disk space; a RangeError: a bug, not the disk)
      throw fail.io(e, 'writing a snapshot failed', { file: this.dir }, 'nothing was lost: the store stays on its previous snapshot and log');
    }
  }

  private put(file: string, bytes: Uint8Array): void {
    snapshotFiles.write(path.join(this.dir, file), bytes);
    this.files.push({ name: file, bytes: bytes.length, crc32: crc32Chunked(bytes) });
  }

  /** `table` as an Arrow IPC file, refused honestly (no 4 GiB RangeError) if it cannot be one buffer. */
  private ipc(table: Table): Uint8Array {
    let bytes = 0;
    for (const batch of table.batches) {
      for (const child of batch.data.children) bytes += (child.values?.byteLength ?? 0) + (child.nullBitmap?.byteLength ?? 0);
    }
    checkBufferBytes(bytes, this.dir);
    return tableToIPC(table, 'file');
  }

  /** Shard `i`'s files: customers, order and line columns, postings, tags, attributes. */
  writeShard(i: number, shard: Shard): void {
    this.records.customers += shard.customerCount;
    this.records.orders += shard.orderCount;
    this.records.lines += shard.lineCount;
    this.put(`shard-${i}-customers.bin`, shard.customers.encode());
    this.put(`shard-${i}-orders.arrow`, this.ipc(makeTable({
      customer: shard.orderCustomer.view(), ts: shard.orderTs.view(), shop: shard.orderShop.view(), alive: shard.orderAlive.view(),
      amount: shard.orderAmount.view(), // derived, but kept: rebuilding it on open costs more than mapping it
    })));
    this.put(`shard-${i}-customer-totals.arrow`, this.ipc(makeTable({ orders: shard.customerOrders.view(), cents: shard.customerCents.view() })));
    this.put(`shard-${i}-lines.arrow`, this.ipc(makeTable({
      order: shard.lineOrder.view(), sku: shard.lineSku.view(), category: shard.lineCategory.view(),
      quantity: shard.lineQuantity.view(), amount: shard.lineAmount.view(),
    })));
    const postings = postingColumns(shard);
    this.put(`shard-${i}-postings.arrow`, this.ipc(new Table(postings.batches.map((rows) => makeTable({ rows }).batches[0]!))));
    this.put(`shard-${i}-posting-index.arrow`, this.ipc(makeTable({ dim: postings.dim, value: postings.value, count: postings.count })));
    this.put(`shard-${i}-tags.bin`, tagBitmaps(shard));
    // per attribute: the distinct values (JSON) and each customer's value index (Int32, a file of its own:
    // one JSON document of millions of pairs would outgrow the longest string V8 can make)
    const attrs: Record<string, { values: readonly AttrValue[]; file: string }> = Object.create(null); // "__proto__" is an attribute name like any other
    let k = 0;
    for (const [attr, index] of shard.attributes) {
      const { valueOf, values } = index.toColumn();
      const file = `shard-${i}-attr-${k++}.bin`;
      this.put(file, new Uint8Array(valueOf.buffer, valueOf.byteOffset, valueOf.byteLength)); // little-endian, as every platform Node runs on
      attrs[attr] = { values, file };
    }
    this.put(`shard-${i}-attrs.json`, json(attrs));
  }

  /** The store-wide files (catalog, order-id directory), fsync, and the manifest renamed into place. */
  finish(store: Store, nextLogSegment: number): Manifest {
    const { catalog } = store;
    this.put('catalog.json', json({ skus: catalog.skus.all, categories: catalog.categories.all, shops: catalog.shops.all, tags: catalog.tags.all }));
    // the order-id directory in its binary form, in pieces (it can outgrow one buffer)
    store.orders.toChunks().forEach((chunk, k) => this.put(`order-ids.${k}.bin`, chunk));
    fsyncDir(this.dir);
    // the previous manifest (if any) is what this one supersedes; read before anything changes
    const previous = readManifest(this.storeDir);
    const superseded = previous ? [previous.snapshot, ...(previous.superseded ?? [])] : [];
    const manifest: Manifest = {
      format: 4,
      snapshot: this.name,
      nextLogSegment,
      shards: store.shardCount,
      records: { ...this.records },
      files: this.files,
      createdAt: new Date().toISOString(),
      superseded: [...new Set(superseded)].filter((n) => n !== this.name && fs.existsSync(path.join(this.root, n))),
    };
    // complete: give it its final name (a committed-looking directory without a manifest is refused on open)
    fs.renameSync(this.dir, this.finalDir);
    fsyncDir(this.root);
    try {
      writeManifest(this.storeDir, manifest);
    } catch (e) {
      fs.rmSync(this.finalDir, { recursive: true, force: true }); // not current: the previous manifest still is
      throw e;
    }
    // Only what the now durable manifest says it superseded, and interrupted .partial directories, go.
    for (const old of removableSnapshots(this.storeDir, manifest)) fs.rmSync(path.join(this.root, old), { recursive: true, force: true });
    fsyncDir(this.root);
    return manifest;
  }
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** Numbers the snapshot writers of this process (part of the directory name). */
let nextWriter = 0;

/** The file layer of snapshot writing (write + fsync), a seam for fault-injection tests. */
export const snapshotFiles = {
  write(file: string, bytes: Uint8Array): void {
    writeFileSynced(file, bytes); // in chunks: one write call of 2 GiB or more is refused by Node
  },
};

/** All postings of a shard as one rows column, in record batches, plus (dim, value, count) runs. */
function postingColumns(shard: Shard) {
  const dims: number[] = [], values: number[] = [], counts: number[] = [];
  const parts: Uint32Array[] = [];
  POSTING_DIMS.forEach((dimName, dim) => {
    const index = shard[dimName];
    for (let value = 0; value < index.valueCount; value++) {
      const rows = index.orderedRows(value, dimName === 'byShop' ? shard.orderTime : shard.rowTime);
      if (!rows || rows.length === 0) continue;
      parts.push(rows);
      dims.push(dim);
      values.push(value);
      counts.push(rows.length);
    }
  });
  // the all-orders posting (order ordinals, not line rows) is dim 3
  const all = shard.allOrders.posting.ordered(shard.orderTime);
  parts.push(all);
  dims.push(POSTING_DIMS.length);
  values.push(0);
  counts.push(all.length);
  const batches = postingBatches(parts);
  return { batches, dim: Uint8Array.from(dims), value: Uint32Array.from(values), count: Uint32Array.from(counts) };
}

/** `[tag id u32][byte length u32][roaring portable bytes]` repeated. */
function tagBitmaps(shard: Shard): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [tagId, bitmap] of shard.tags.entries()) {
    const body = bitmap.serialize('portable');
    const head = Buffer.alloc(8);
    head.writeUInt32LE(tagId, 0);
    head.writeUInt32LE(body.length, 4);
    parts.push(head, body);
  }
  return Buffer.concat(parts);
}

/**
 * The rows of `parts`, in order, cut into record batches: a part of
 * `batchRows` or more is a batch of its own (no copy: the snapshot of a large
 * store must not hold its postings twice); smaller ones are gathered.
 */
export function postingBatches(parts: readonly Uint32Array[], batchRows = BATCH_ROWS): Uint32Array[] {
  const batches: Uint32Array[] = [];
  let small: Uint32Array[] = [], smallRows = 0;
  const gather = () => {
    if (smallRows === 0) return;
    const rows = new Uint32Array(smallRows);
    let at = 0;
    for (const p of small) {
      rows.set(p, at);
      at += p.length;
    }
    batches.push(rows);
    small = [];
    smallRows = 0;
  };
  for (const p of parts) {
    if (p.length >= batchRows) {
      gather();
      batches.push(p);
      continue;
    }
    small.push(p);
    smallRows += p.length;
    if (smallRows >= batchRows) gather();
  }
  gather();
  if (batches.length === 0) batches.push(new Uint32Array(0));
  return batches;
}
