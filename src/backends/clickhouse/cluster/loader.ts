import { ShandianError } from '../../../model/errors.js';
import type { EngineRecord } from '../../../model/records.js';
import type { ClickHouseNodes } from './client.js';
import { tsvField, tsvUnescape } from './client.js';
import { CLICKHOUSE_DEFAULTS } from './options.js';
import { createStatements, numberBits, tableNames, type ClickHouseTarget, type TableRole } from '../schema.js';
import { stringLiteral } from '../sql/literal.js';

/**
 * Records (already through src/ingest/validate-record.ts, the in-process
 * engine's own validation) into the cluster's tables (schema.ts):
 * - refused exactly as the in-process store refuses (src/store/store.ts
 *   `check`): a duplicate order_id (against the batch itself and what the
 *   cluster already holds: one lookup of the batch's order ids through the
 *   Distributed table, inline when few, as external data when many) and a
 *   refund of an unknown order are E_BAD_RECORD with the same reasons, and
 *   nothing of a refused batch is inserted;
 * - refunds carry their order's customer_id, so they land on its shard;
 * - refunds, attribute and tag events get a sequence number that grows in
 *   record order across every append (the largest seq the cluster holds + 1);
 * - inserts go through the Distributed tables with insert_distributed_sync=1,
 *   so an append resolves only once every shard has acknowledged its rows.
 *
 * One writer at a time: ClickHouse has no transactions, so two clients
 * appending the same order_id at the same moment could both pass the lookup
 * (appends of one process are serialised here; docs/cluster.md).
 */

export interface Refusal {
  index: number;
  error: ShandianError;
}

export interface LoadResult {
  applied: number;
  /** the first refused record (`all`: nothing applied; `prefix`: the records before it applied) */
  refused?: Refusal;
  /** `skip`: every refused record, the others applied */
  skipped?: Refusal[];
}

/** How a batch with refused records is handled. */
export type LoadMode = 'all' | 'prefix' | 'skip';

interface Rows {
  customers: string[];
  attrEvents: string[];
  tagEvents: string[];
  orderLines: string[];
  refunds: string[];
}

/** Insert order: the universe and events first, refunds last (a refund never lands before its order's batch). */
const INSERT_ORDER: readonly (keyof Rows & TableRole)[] = ['customers', 'attrEvents', 'tagEvents', 'orderLines', 'refunds'];

/** The columns each insert names, in the order of the TabSeparated fields the loader writes. */
const INSERT_COLUMNS: { readonly [R in keyof Rows]: readonly string[] } = {
  customers: ['customer_id'],
  attrEvents: ['customer_id', 'name', 'kind', 'str_value', 'num_bits', 'seq'],
  tagEvents: ['customer_id', 'tag', 'op', 'seq'],
  orderLines: ['order_id', 'customer_id', 'ts', 'shop', 'status', 'line', 'sku', 'category', 'quantity', 'amount_cents'],
  refunds: ['order_id', 'customer_id', 'seq'],
};

const DUPLICATE_HINT = 'order ids are unique per merchant; a refund is sent as {"type":"refund","order_id":...}';

export class ClickHouseLoader {
  private readonly tables: ReturnType<typeof tableNames>;
  /** appends of this process, one after the other */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly nodes: ClickHouseNodes, private readonly target: ClickHouseTarget, private readonly batchRecords = CLICKHOUSE_DEFAULTS.batchRecords) {
    this.tables = tableNames(target);
  }

  /** The database and every table on every node, when missing (no ZooKeeper: each node on its own). */
  async createTables(): Promise<void> {
    await this.nodes.checkReachable();
    const statements = createStatements(this.target);
    for (let node = 0; node < this.nodes.urls.length; node++) {
      for (const sql of statements) await this.nodes.command(sql, { node, what: 'creating the database and tables' });
    }
  }

  /** Loads records, serialised with this process's other appends. */
  load(records: readonly EngineRecord[], mode: LoadMode): Promise<LoadResult> {
    const run = this.chain.then(() => this.loadNow(records, mode));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async loadNow(records: readonly EngineRecord[], mode: LoadMode): Promise<LoadResult> {
    if (records.length === 0) return { applied: 0 };
    await this.nodes.checkReachable(); // every node answers before anything is inserted
    const existing = await this.lookupOrders(records);
    // check as the in-process store does: the batch against the cluster and against itself
    const accepted: EngineRecord[] = [];
    const customerOfNew = new Map<string, string>();
    const refusals: Refusal[] = [];
    for (let index = 0; index < records.length; index++) {
      const r = records[index]!;
      let error: ShandianError | undefined;
      if (r.type === 'order') {
        if (existing.has(r.orderId) || customerOfNew.has(r.orderId)) {
          error = new ShandianError('E_BAD_RECORD', `duplicate order_id ${JSON.stringify(r.orderId)}`, {}, DUPLICATE_HINT);
        } else customerOfNew.set(r.orderId, r.customerId);
      } else if (r.type === 'refund' && !existing.has(r.orderId) && !customerOfNew.has(r.orderId)) {
        error = new ShandianError('E_BAD_RECORD', `refund of unknown order_id ${JSON.stringify(r.orderId)}`, {}, 'ingest the order before its refund');
      }
      if (error === undefined) {
        accepted.push(r);
        continue;
      }
      if (mode === 'all') return { applied: 0, refused: { index, error } };
      if (mode === 'prefix') {
        await this.insert(accepted, existing, customerOfNew);
        return { applied: accepted.length, refused: { index, error } };
      }
      refusals.push({ index, error });
    }
    await this.insert(accepted, existing, customerOfNew);
    return refusals.length > 0 ? { applied: accepted.length, skipped: refusals } : { applied: accepted.length };
  }

  /** order_id -> customer_id of the batch's order and refund ids the cluster already holds. */
  private async lookupOrders(records: readonly EngineRecord[]): Promise<Map<string, string>> {
    const ids = new Set<string>();
    for (const r of records) if (r.type === 'order' || r.type === 'refund') ids.add(r.orderId);
    const found = new Map<string, string>();
    if (ids.size === 0) return found;
    const list = [...ids];
    const t = this.tables.orderLines.all;
    const what = 'looking up the batch\'s order ids';
    const rows: string[][] = [];
    if (list.length <= CLICKHOUSE_DEFAULTS.inlineIdsMax) {
      const sql = `SELECT order_id, any(customer_id) FROM ${t} WHERE order_id IN (${list.map(stringLiteral).join(', ')}) GROUP BY order_id`;
      for await (const row of this.nodes.tsvRows(sql, { what })) rows.push(row);
    } else {
      // large sets as external data: an IN list over ~256 KB fails when 18.16 re-parses it on a remote shard
      const global = this.target.cluster === undefined ? 'IN' : 'GLOBAL IN';
      const text = await this.nodes.text(
        `SELECT order_id, any(customer_id) FROM ${t} WHERE order_id ${global} (SELECT id FROM _batch_ids) GROUP BY order_id FORMAT TabSeparated`,
        { what, external: [{ name: '_batch_ids', structure: 'id String', rows: list.map(tsvField) }] },
      );
      for (const line of text.split('\n')) if (line !== '') rows.push(line.split('\t').map(tsvUnescape));
    }
    for (const [orderId, customerId] of rows) found.set(orderId!, customerId!);
    return found;
  }

  /** The largest seq the cluster holds (0: none). */
  private async maxSeq(): Promise<bigint> {
    const t = this.tables;
    const sql = `SELECT max(s) FROM (SELECT max(seq) AS s FROM ${t.refunds.all} UNION ALL SELECT max(seq) AS s FROM ${t.attrEvents.all} UNION ALL SELECT max(seq) AS s FROM ${t.tagEvents.all})`;
    const text = await this.nodes.text(`${sql} FORMAT TabSeparated`, { what: 'reading the event sequence' });
    return BigInt(text.trim() || '0');
  }

  private async insert(records: readonly EngineRecord[], existing: ReadonlyMap<string, string>, customerOfNew: ReadonlyMap<string, string>): Promise<void> {
    if (records.length === 0) return;
    let seq = await this.maxSeq();
    // TabSeparated lines per table, built as text (no row objects: the loader's CPU is the bulk path's limit)
    const rows: { [R in keyof Rows]: string[] } = { customers: [], attrEvents: [], tagEvents: [], orderLines: [], refunds: [] };
    const universe = new Set<string>();
    for (const r of records) {
      switch (r.type) {
        case 'order': {
          universe.add(r.customerId);
          const head = `${tsvField(r.orderId)}\t${tsvField(r.customerId)}\t${r.ts}\t${tsvField(r.shop)}\t${r.status}\t`;
          for (let line = 0; line < r.lines.length; line++) {
            const l = r.lines[line]!;
            rows.orderLines.push(`${head}${line}\t${tsvField(l.sku)}\t${tsvField(l.category)}\t${l.quantity}\t${l.amountCents}\n`);
          }
          break;
        }
        case 'refund': {
          seq++;
          const customerId = customerOfNew.get(r.orderId) ?? existing.get(r.orderId)!;
          rows.refunds.push(`${tsvField(r.orderId)}\t${tsvField(customerId)}\t${seq}\n`);
          break;
        }
        case 'customer': {
          seq++;
          universe.add(r.customerId);
          const c = tsvField(r.customerId);
          for (const [name, v] of Object.entries(r.attrs)) {
            const kind = v === null ? 'delete' : typeof v === 'number' ? 'number' : 'string';
            const str = typeof v === 'string' ? tsvField(v) : '';
            const bits = typeof v === 'number' ? numberBits(v) : '0';
            rows.attrEvents.push(`${c}\t${tsvField(name)}\t${kind}\t${str}\t${bits}\t${seq}\n`);
          }
          break;
        }
        case 'tag':
          seq++;
          universe.add(r.customerId);
          rows.tagEvents.push(`${tsvField(r.customerId)}\t${tsvField(r.tag)}\t${r.op}\t${seq}\n`);
          break;
      }
    }
    for (const id of universe) rows.customers.push(`${tsvField(id)}\n`);
    const settings = { insert_distributed_sync: 1 };
    for (const role of INSERT_ORDER) {
      const list = rows[role];
      for (let i = 0; i < list.length; i += this.batchRecords) {
        await this.nodes.insertTsv(this.tables[role].all, INSERT_COLUMNS[role], list.slice(i, i + this.batchRecords).join(''), {
          settings, what: `inserting into ${this.tables[role].all} (every shard must acknowledge)`,
        });
      }
    }
  }
}

