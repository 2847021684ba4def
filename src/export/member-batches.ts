import type { Bitmap } from '../index/bitmap.js';
import type { AttrValue } from '../model/records.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';
import type { ExportColumn } from './export-columns.js';

/** One shard's members of a segment (a Segment's parts). */
export interface SegmentPart {
  shard: Shard;
  members: Bitmap;
}

/**
 * An attribute column of a batch: per member the index of its value in
 * `values` (-1: absent), which is the shard's own list of distinct values
 * (append-only, so encoders may cache per value index).
 */
export interface AttrCells {
  kind: 'attr';
  valueIndex: Int32Array;
  values: readonly AttrValue[];
}

/** A tag column of a batch: 1 where the member holds the tag. */
export interface TagCells {
  kind: 'tag';
  holds: Uint8Array;
}

export type BatchCells = AttrCells | TagCells;

/**
 * Up to a batch of one shard's members with their column values, read in
 * one synchronous step: every value in it is the store's at one moment.
 */
export interface MemberBatch {
  length: number;
  /** external customer ids */
  ids: string[];
  /** one per export column, in the columns' order */
  cells: BatchCells[];
}

const NO_VALUES: readonly AttrValue[] = [];

/**
 * The segment's members in batches of at most `batchRows`, shard by shard
 * and in local-id order within a shard, with the columns read from the
 * shards' typed arrays: an attribute's per-customer value-index column
 * (AttributeIndex.toColumn) and a tag's holder bitmap. Nothing holds more
 * than one batch; a batch is computed when it is asked for, so a consumer
 * that pauses between batches sees each batch as the store was when it was
 * read (the membership is the segment's, fixed when the query ran).
 */
export function* memberBatches(parts: readonly SegmentPart[], catalog: Catalog, columns: readonly ExportColumn[], batchRows: number): Generator<MemberBatch, void, undefined> {
  for (const { shard, members } of parts) {
    if (members.isEmpty) continue;
    const it = members[Symbol.iterator]();
    let more = true;
    while (more) {
      const locals = new Uint32Array(batchRows);
      let n = 0;
      while (n < batchRows) {
        const r = it.next();
        if (r.done) {
          more = false;
          break;
        }
        locals[n++] = r.value;
      }
      if (n === 0) break;
      yield readBatch(shard, catalog, columns, locals.subarray(0, n));
    }
  }
}

/** The batch of `locals` (ascending shard-local ids), read now. */
function readBatch(shard: Shard, catalog: Catalog, columns: readonly ExportColumn[], locals: Uint32Array): MemberBatch {
  const n = locals.length;
  const ids = new Array<string>(n);
  const dictionary = shard.customers;
  for (let i = 0; i < n; i++) ids[i] = dictionary.value(locals[i]!);
  const cells = columns.map((column): BatchCells => column.kind === 'attr' ? attrCells(shard, column.name, locals) : tagCells(shard, catalog, column.name, locals));
  return { length: n, ids, cells };
}

function attrCells(shard: Shard, name: string, locals: Uint32Array): AttrCells {
  const n = locals.length;
  const valueIndex = new Int32Array(n).fill(-1);
  const index = shard.attributes.get(name);
  if (!index) return { kind: 'attr', valueIndex, values: NO_VALUES };
  const { valueOf, values } = index.toColumn();
  const known = valueOf.length;
  for (let i = 0; i < n; i++) {
    const c = locals[i]!;
    if (c < known) valueIndex[i] = valueOf[c]!;
  }
  return { kind: 'attr', valueIndex, values };
}

function tagCells(shard: Shard, catalog: Catalog, name: string, locals: Uint32Array): TagCells {
  const n = locals.length;
  const holds = new Uint8Array(n);
  const holders = shard.tags.holders(catalog.tags.lookup(name));
  if (holders.isEmpty) return { kind: 'tag', holds };
  // the batch covers local ids first..last: none or all of them held is one native call
  const first = locals[0]!, last = locals[n - 1]!;
  const inRange = holders.rangeCardinality(first, last + 1);
  if (inRange === 0) return { kind: 'tag', holds };
  if (inRange === last - first + 1) return { kind: 'tag', holds: holds.fill(1) };
  for (let i = 0; i < n; i++) if (holders.has(locals[i]!)) holds[i] = 1;
  return { kind: 'tag', holds };
}
