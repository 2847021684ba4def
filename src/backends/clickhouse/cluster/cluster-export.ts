import { ArrowEncoder } from '../../../export/arrow-encoder.js';
import { CsvEncoder } from '../../../export/csv-encoder.js';
import { parseColumns, type ExportColumn } from '../../../export/export-columns.js';
import type { ExportEncoder } from '../../../export/export-encoder.js';
import type { BatchCells, MemberBatch } from '../../../export/member-batches.js';
import { NdjsonEncoder } from '../../../export/ndjson-encoder.js';
import { fail } from '../../../model/errors.js';
import type { AttrValue } from '../../../model/records.js';
import { tableNames, type ClickHouseTarget } from '../schema.js';
import type { CompiledSegment } from '../sql/compile-plan.js';
import { stringLiteral } from '../sql/literal.js';
import { membersFilter } from '../sql/portrait.js';
import type { ClickHouseNodes } from './client.js';

/** Members per encoded batch. */
const BATCH = 65_536;

/** The formats the cluster exports: those of in-process exports (contract 8.1). */
export const CLUSTER_EXPORT_FORMATS = ['csv', 'ndjson', 'arrow'] as const;
export type ClusterExportFormat = (typeof CLUSTER_EXPORT_FORMATS)[number];

/**
 * A segment's members as csv, ndjson or arrow with `attr:NAME` / `tag:NAME`
 * columns (contract 8.1), encoded by the in-process exporters
 * (src/export/), so the bytes are the same as in-process for the same
 * members and values. Each column is one query over the members on the
 * cluster: an attribute's current value (the latest event by seq, numbers
 * from their bits), a tag's holders; values are read after the members, as
 * in-process reads them when a batch is written.
 */
export async function* clusterExportChunks(
  nodes: ClickHouseNodes, target: ClickHouseTarget, compiled: CompiledSegment, members: readonly string[],
  options: { format: ClusterExportFormat; columns?: string | readonly string[]; signal?: AbortSignal },
): AsyncGenerator<Uint8Array, void, undefined> {
  if (!(CLUSTER_EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw fail.badArgs(`export format must be one of ${CLUSTER_EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(options.format)}`);
  }
  const columns = parseColumns(options.columns);
  const types = options.format === 'arrow' ? await arrowTypes(nodes, target, columns, options.signal) : undefined;
  const values = await Promise.all(columns.map((c) => columnValues(nodes, target, compiled, c, options.signal)));
  const encoder: ExportEncoder = options.format === 'csv' ? new CsvEncoder(columns)
    : options.format === 'ndjson' ? new NdjsonEncoder(columns)
      : new ArrowEncoder(columns, types!);
  yield* encoder.start();
  for (let from = 0; from < members.length; from += BATCH) {
    options.signal?.throwIfAborted();
    const ids = members.slice(from, from + BATCH);
    const cells: BatchCells[] = columns.map((c, i) => {
      const v = values[i]!;
      if (c.kind === 'tag') {
        const holders = v as Set<string>;
        const holds = new Uint8Array(ids.length);
        ids.forEach((id, j) => (holds[j] = holders.has(id) ? 1 : 0));
        return { kind: 'tag', holds };
      }
      const byId = v as Map<string, AttrValue>;
      const list: AttrValue[] = [];
      const indexOf = new Map<AttrValue, number>();
      const valueIndex = new Int32Array(ids.length).fill(-1);
      ids.forEach((id, j) => {
        const value = byId.get(id);
        if (value === undefined) return;
        // a number and a string are different values: key numbers apart
        let at = indexOf.get(value);
        if (at === undefined) indexOf.set(value, (at = list.push(value) - 1));
        valueIndex[j] = at;
      });
      return { kind: 'attr', valueIndex, values: list };
    });
    const batch: MemberBatch = { length: ids.length, ids, cells };
    yield* encoder.batch(batch);
  }
  yield* encoder.end();
}

/**
 * Each attribute column's Arrow type by the in-process rule
 * (export/arrow-encoder.ts attributeArrowType): Float64 when some customer of
 * the whole store (not only the members) holds a number now and none holds a
 * string, else Utf8. One query per attribute, before the members' values are
 * read, as in-process types a column before the first batch.
 */
async function arrowTypes(nodes: ClickHouseNodes, target: ClickHouseTarget, columns: readonly ExportColumn[], signal: AbortSignal | undefined): Promise<Map<string, 'number' | 'string'>> {
  const t = tableNames(target);
  const names = [...new Set(columns.filter((c) => c.kind === 'attr').map((c) => c.name))];
  const types = new Map<string, 'number' | 'string'>();
  await Promise.all(names.map(async (name) => {
    const sql =
      `SELECT countIf(k = 'number'), countIf(k = 'string') FROM (\n` +
      `SELECT toString(argMax(kind, seq)) AS k FROM ${t.attrEvents.all}\nWHERE name = ${stringLiteral(name)}\nGROUP BY customer_id)\nFORMAT TabSeparated`;
    const [numbers, strings] = (await nodes.text(sql, { what: `typing attribute ${name} for an Arrow export`, signal })).trim().split('\t').map(Number);
    types.set(name, numbers! > 0 && strings === 0 ? 'number' : 'string');
  }));
  return types;
}

/** One column's values for the segment's members: attribute values by id, or the tag's holders. */
async function columnValues(nodes: ClickHouseNodes, target: ClickHouseTarget, compiled: CompiledSegment, column: ExportColumn, signal: AbortSignal | undefined): Promise<Map<string, AttrValue> | Set<string>> {
  const t = tableNames(target);
  const members = membersFilter(compiled, target);
  if (column.kind === 'tag') {
    const held = new Set<string>();
    const sql = `SELECT customer_id FROM ${t.tagEvents.all}\nWHERE tag = ${stringLiteral(column.name)} AND ${members}\nGROUP BY customer_id\nHAVING argMax(op, seq) = 'add'`;
    for await (const [id] of nodes.tsvRows(sql, { what: `reading tag ${column.name} for an export`, signal })) held.add(id!);
    return held;
  }
  const out = new Map<string, AttrValue>();
  const sql =
    `SELECT customer_id, argMax(kind, seq) AS k, argMax(str_value, seq) AS s, argMax(num_bits, seq) AS b FROM ${t.attrEvents.all}\n` +
    `WHERE name = ${stringLiteral(column.name)} AND ${members}\nGROUP BY customer_id`;
  for await (const [id, kind, str, bits] of nodes.tsvRows(sql, { what: `reading attribute ${column.name} for an export`, signal })) {
    if (kind === 'string') out.set(id!, str!);
    else if (kind === 'number') out.set(id!, fromBits(bits!));
  }
  return out;
}

/** The number a num_bits value (decimal string of the binary64 bits) holds. */
function fromBits(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(bits));
  return view.getFloat64(0);
}
