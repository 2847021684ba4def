/**
 * The oracle's one DuckDB schema (the benchmarks' peer and the property
 * tests' third opinion): a database (in memory unless a file is given) loaded from the same raw records
 * through appenders, then turned into the final state the contract defines
 * (refunded orders stop counting, tags and attributes as their last event
 * left them, the universe of every customer id seen anywhere).
 *
 * Tables (as the benchmark's issue specifies them):
 *   orders(order_id VARCHAR, customer_id VARCHAR, ts BIGINT, shop VARCHAR, alive BOOLEAN)   ts: epoch seconds
 *   lines(order_id VARCHAR, sku VARCHAR, category VARCHAR, amount_cents BIGINT, quantity BIGINT)
 *   attrs(customer_id VARCHAR, name VARCHAR, str_val VARCHAR, num_val DOUBLE)
 *   tags(customer_id VARCHAR, tag VARCHAR)
 *   customers(customer_id VARCHAR)
 */
import { DuckDBInstance, version as duckdbVersion, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';

/** A contract record as the loader reads it (src/gen's GenRecord and hand-written records fit it). */
export type OracleRecord =
  | { type: 'order'; order_id: string; customer_id: string; ts: string | number; shop: string; status: string; lines: readonly { sku: string; category: string; quantity: number; amount: string | number }[] }
  | { type: 'refund'; order_id: string }
  | { type: 'customer'; customer_id: string; attrs: object }
  | { type: 'tag'; customer_id: string; tag: string; op: string };

const SCHEMA = `
CREATE TABLE orders (order_id VARCHAR, customer_id VARCHAR, ts BIGINT, shop VARCHAR, alive BOOLEAN);
CREATE TABLE lines (order_id VARCHAR, sku VARCHAR, category VARCHAR, amount_cents BIGINT, quantity BIGINT);
CREATE TABLE refund_events (order_id VARCHAR);
CREATE TABLE attr_events (seq BIGINT, customer_id VARCHAR, name VARCHAR, str_val VARCHAR, num_val DOUBLE, deleted BOOLEAN);
CREATE TABLE tag_events (seq BIGINT, customer_id VARCHAR, tag VARCHAR, op VARCHAR);
`;

const FINISH = `
UPDATE orders SET alive = false WHERE alive AND order_id IN (SELECT order_id FROM refund_events);
CREATE TABLE attrs AS
  SELECT customer_id, name, str_val, num_val FROM attr_events
  WHERE name IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY customer_id, name ORDER BY seq DESC) = 1 AND NOT deleted;
CREATE TABLE tags AS
  SELECT customer_id, tag FROM tag_events
  QUALIFY row_number() OVER (PARTITION BY customer_id, tag ORDER BY seq DESC) = 1 AND op = 'add';
CREATE TABLE customers AS
  SELECT customer_id FROM orders UNION SELECT customer_id FROM attr_events UNION SELECT customer_id FROM tag_events;
DROP TABLE refund_events; DROP TABLE attr_events; DROP TABLE tag_events;
`;

/** Where DuckDB keeps the data; all absent: in memory with DuckDB's defaults (bench/standard/run.ts). */
export interface DuckPeerOptions {
  /** database file; it must not exist yet */
  path?: string;
  /** `SET memory_limit`, e.g. '8GB' */
  memoryLimit?: string;
  /** `SET threads` */
  threads?: number;
  /** `SET temp_directory`: where operators spill beyond the memory limit */
  tempDirectory?: string;
}

export interface DuckLoadReport {
  /** time in appenders and the finishing SQL, excluding record generation */
  ingestMs: number;
  appendMs: number;
  finishMs: number;
}

/** Epoch seconds of a contract ts: ISO date-time with offset, or epoch milliseconds. */
function tsSeconds(ts: string | number): bigint {
  const ms = typeof ts === 'number' ? ts : Date.parse(ts);
  if (!Number.isFinite(ms)) throw new Error(`duckdb peer: bad ts ${String(ts)}`);
  return BigInt(Math.floor(ms / 1000));
}

/** Integer cents of a contract amount (decimal string or number, at most 2 decimals). */
function cents(amount: string | number): bigint {
  if (typeof amount === 'number') return BigInt(Math.round(amount * 100));
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!m) throw new Error(`duckdb peer: bad amount ${amount}`);
  return BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

export class DuckPeer {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async create(opts: DuckPeerOptions = {}): Promise<DuckPeer> {
    const instance = await DuckDBInstance.create(opts.path ?? ':memory:');
    const conn = await instance.connect();
    if (opts.memoryLimit !== undefined) await conn.run(`SET memory_limit = ${sqlString(opts.memoryLimit)}`);
    if (opts.threads !== undefined) await conn.run(`SET threads = ${Math.trunc(opts.threads)}`);
    if (opts.tempDirectory !== undefined) await conn.run(`SET temp_directory = ${sqlString(opts.tempDirectory)}`);
    await conn.run(SCHEMA);
    return new DuckPeer(instance, conn);
  }

  /** Loads record batches; only the time spent in DuckDB calls (and value conversion) is counted. */
  async load<R extends OracleRecord>(batches: Iterable<R[]>, onBatch?: (batch: R[]) => void): Promise<DuckLoadReport> {
    const app = {
      orders: await this.conn.createAppender('orders'),
      lines: await this.conn.createAppender('lines'),
      refunds: await this.conn.createAppender('refund_events'),
      attrs: await this.conn.createAppender('attr_events'),
      tags: await this.conn.createAppender('tag_events'),
    };
    let seq = 0n;
    let appendMs = 0;
    for (const batch of batches) {
      onBatch?.(batch);
      const t0 = performance.now();
      for (const r of batch as OracleRecord[]) {
        switch (r.type) {
          case 'order': {
            const o = app.orders;
            o.appendVarchar(r.order_id);
            o.appendVarchar(r.customer_id);
            o.appendBigInt(tsSeconds(r.ts));
            o.appendVarchar(r.shop);
            o.appendBoolean(r.status === 'paid');
            o.endRow();
            const l = app.lines;
            for (const line of r.lines) {
              l.appendVarchar(r.order_id);
              l.appendVarchar(line.sku);
              l.appendVarchar(line.category);
              l.appendBigInt(cents(line.amount));
              l.appendBigInt(BigInt(line.quantity));
              l.endRow();
            }
            break;
          }
          case 'refund':
            app.refunds.appendVarchar(r.order_id);
            app.refunds.endRow();
            break;
          case 'customer': {
            const entries = Object.entries(r.attrs as unknown as Record<string, string | number | null>);
            // a customer record with no attributes still makes the customer known
            if (entries.length === 0) appendAttr(app.attrs, seq++, r.customer_id, null, null);
            for (const [name, value] of entries) appendAttr(app.attrs, seq++, r.customer_id, name, value);
            break;
          }
          case 'tag': {
            const t = app.tags;
            t.appendBigInt(seq++);
            t.appendVarchar(r.customer_id);
            t.appendVarchar(r.tag);
            t.appendVarchar(r.op);
            t.endRow();
            break;
          }
        }
      }
      appendMs += performance.now() - t0;
    }
    const t1 = performance.now();
    for (const a of Object.values(app)) a.closeSync();
    await this.conn.run(FINISH);
    const finishMs = performance.now() - t1;
    return { ingestMs: appendMs + finishMs, appendMs, finishMs };
  }

  async count(sql: string): Promise<number> {
    const reader = await this.conn.runAndReadAll(sql);
    return Number(reader.getRows()[0]![0] as bigint);
  }

  async members(sql: string): Promise<string[]> {
    const reader = await this.conn.runAndReadAll(sql);
    return reader.getRows().map((r) => String(r[0]));
  }

  async scalar(sql: string): Promise<unknown> {
    const reader = await this.conn.runAndReadAll(sql);
    return reader.getRows()[0]?.[0];
  }

  async describe(): Promise<{ version: string; threads: number; memoryLimit: string; memoryBytes: number }> {
    return {
      version: duckdbVersion(),
      threads: Number(await this.scalar(`SELECT current_setting('threads')`)),
      memoryLimit: String(await this.scalar(`SELECT current_setting('memory_limit')`)),
      memoryBytes: Number(await this.scalar(`SELECT sum(memory_usage_bytes) FROM duckdb_memory()`)),
    };
  }

  /** Writes everything to the database file (a no-op in memory), so its size is the data's. */
  async checkpoint(): Promise<void> {
    await this.conn.run('CHECKPOINT');
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

function appendAttr(a: DuckDBAppender, seq: bigint, customer: string, name: string | null, value: string | number | null): void {
  a.appendBigInt(seq);
  a.appendVarchar(customer);
  if (name === null) a.appendNull();
  else a.appendVarchar(name);
  if (typeof value === 'string') {
    a.appendVarchar(value);
    a.appendNull();
  } else if (typeof value === 'number') {
    a.appendNull();
    a.appendDouble(value);
  } else {
    a.appendNull();
    a.appendNull();
  }
  a.appendBoolean(value === null);
  a.endRow();
}
