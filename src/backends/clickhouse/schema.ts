/**
 * The ClickHouse tables that hold one merchant's data (contract section 1)
 * exactly, for ClickHouse 18.16 and newer.
 *
 * Every table exists twice on a cluster: a local MergeTree table on every
 * node (`<name>_local`, what the node's shard holds) and a Distributed table
 * over them (`<name>`, what a query or an insert through any node sees).
 * Customer data is sharded by `cityHash64(customer_id)`, so everything one
 * customer has (order lines, refunds of their orders, attribute and tag
 * events, their universe row) lives on one shard, and every per-customer
 * computation of the query compiler (src/backends/clickhouse/sql/) runs on
 * the shard's local tables; only `<score>` needs the whole population.
 * Saved segments are sharded by `cityHash64(name)` and read through the
 * Distributed table.
 *
 * Without a cluster (one node) there are only the local tables, and the
 * names a query or insert should use are the local ones (see `tableNames`).
 *
 * `ON CLUSTER` DDL needs ZooKeeper, which a plain 18.16 setup has not: the
 * statements are run on every node (`createStatements` gives them in order;
 * each is idempotent: `IF NOT EXISTS`).
 *
 * Nothing is updated in place: refunds, attribute upserts/deletes and tag
 * add/remove are appended as events, and queries resolve them (refunded
 * orders never count; the latest event by `seq` decides an attribute's or a
 * tag's current state), which is exactly the contract's "applied in file
 * order" as long as `seq` grows in record order.
 */

/** The tables, by role. */
export const TABLES = {
  /**
   * One row per order line, the order's fields repeated on each of its lines:
   * - order_id String: unique per merchant (the loader refuses duplicates against what the cluster holds)
   * - customer_id String: the sharding key
   * - ts Int64: epoch seconds (the contract stores whole seconds; Int64 so dates before 1970 or after 2106 are kept)
   * - shop String: order-level
   * - status Enum8('paid' = 1, 'refunded' = 2): as ingested; `refunded` never counts
   * - line UInt32: the line's 0-based position in its order (two identical lines are two lines)
   * - sku String, category String: line-level
   * - quantity UInt32: >= 1
   * - amount_cents Int64: the amount in integer cents (exact)
   */
  orderLines: 'order_lines',
  /**
   * One row per refund event; a refunded order stops counting (whole order).
   * - order_id String: an order already ingested
   * - customer_id String: that order's customer (so the refund lands on the order's shard)
   * - seq UInt64: the record's sequence number (kept for audit; a refund applies whatever its seq)
   */
  refunds: 'refunds',
  /**
   * One row per attribute a customer record names (an upsert or, for `null`, a delete).
   * - customer_id String
   * - name String: the attribute
   * - kind Enum8('delete' = 0, 'string' = 1, 'number' = 2): what the record set
   * - str_value String: the value when kind = 'string' (else '')
   * - num_bits UInt64: the value when kind = 'number' (else 0) as its IEEE-754 binary64 bit pattern
   *   (`numberBits`): 18.16 parses Float64 text in JSONEachRow/TSV inexactly (measured: 1,574 of
   *   20,000 random doubles came back different), so the loader sends bits and nothing is parsed
   * - num_value Float64 ALIAS of num_bits: the number itself, exactly (read-only)
   * - seq UInt64: the record's sequence number; the event with the largest seq per (customer_id, name) is the current state
   */
  attrEvents: 'attr_events',
  /**
   * One row per tag event.
   * - customer_id String
   * - tag String
   * - op Enum8('remove' = 0, 'add' = 1)
   * - seq UInt64: the record's sequence number; the latest event per (customer_id, tag) decides (add: held)
   */
  tagEvents: 'tag_events',
  /**
   * The universe (contract 1): one row per customer id seen in an order, a
   * customer record or a tag event (the loader may insert an id more than
   * once; queries read DISTINCT / GROUP BY, and ReplacingMergeTree folds
   * repeats in the background).
   * - customer_id String
   */
  customers: 'customers',
  /**
   * Saved segments (shared by every client of the cluster).
   * - name String
   * - xml String: the segment's XML as saved
   * - seq UInt64: larger wins (a save of an existing name appends a row with a larger seq)
   * - deleted UInt8: 1 when this row removes the segment
   */
  savedSegments: 'saved_segments',
} as const;

export type TableRole = keyof typeof TABLES;

/** Where the tables live: a database, and the cluster of the servers' `remote_servers` (absent: one node). */
export interface ClickHouseTarget {
  readonly database: string;
  readonly cluster?: string;
}

/** The sharding expression of each table's Distributed table. */
export const SHARDING_KEY: { readonly [R in TableRole]: string } = {
  orderLines: 'cityHash64(customer_id)',
  refunds: 'cityHash64(customer_id)',
  attrEvents: 'cityHash64(customer_id)',
  tagEvents: 'cityHash64(customer_id)',
  customers: 'cityHash64(customer_id)',
  savedSegments: 'cityHash64(name)',
};

const COLUMNS: { readonly [R in TableRole]: string } = {
  orderLines:
    "order_id String, customer_id String, ts Int64, shop String, status Enum8('paid' = 1, 'refunded' = 2), " +
    'line UInt32, sku String, category String, quantity UInt32, amount_cents Int64',
  refunds: 'order_id String, customer_id String, seq UInt64',
  attrEvents: "customer_id String, name String, kind Enum8('delete' = 0, 'string' = 1, 'number' = 2), str_value String, num_bits UInt64, " +
    'num_value Float64 ALIAS reinterpretAsFloat64(reinterpretAsString(num_bits)), seq UInt64',
  tagEvents: "customer_id String, tag String, op Enum8('remove' = 0, 'add' = 1), seq UInt64",
  customers: 'customer_id String',
  savedSegments: 'name String, xml String, seq UInt64, deleted UInt8',
};

/** The local tables' engines: sorted so that one customer's rows are together (every query groups by customer). */
const LOCAL_ENGINE: { readonly [R in TableRole]: string } = {
  orderLines: 'MergeTree() ORDER BY (customer_id, ts, order_id, line)',
  refunds: 'MergeTree() ORDER BY (customer_id, order_id)',
  attrEvents: 'MergeTree() ORDER BY (customer_id, name, seq)',
  tagEvents: 'MergeTree() ORDER BY (customer_id, tag, seq)',
  customers: 'ReplacingMergeTree() ORDER BY customer_id',
  savedSegments: 'MergeTree() ORDER BY (name, seq)',
};

/** A backquoted identifier (database, table, cluster names): backquotes and backslashes escaped. */
export function quoteIdentifier(name: string): string {
  return '`' + name.replaceAll('\\', '\\\\').replaceAll('`', '\\`') + '`';
}

/** The fully qualified names of one table. */
export interface TableName {
  /** the node's own table (`db.x_local`): what shard-local subqueries read */
  readonly local: string;
  /** what a query over the whole data reads and what inserts go to: the Distributed table, or the local one without a cluster */
  readonly all: string;
}

/** The qualified names of every table of a target. */
export function tableNames(target: ClickHouseTarget): { readonly [R in TableRole]: TableName } {
  const db = quoteIdentifier(target.database);
  const out = {} as { [R in TableRole]: TableName };
  for (const role of Object.keys(TABLES) as TableRole[]) {
    const local = `${db}.${quoteIdentifier(`${TABLES[role]}_local`)}`;
    out[role] = { local, all: target.cluster === undefined ? local : `${db}.${quoteIdentifier(TABLES[role])}` };
  }
  return out;
}

/**
 * The DDL to run on every node, in order: the database, each local table,
 * and (with a cluster) each Distributed table over the cluster's local tables.
 */
export function createStatements(target: ClickHouseTarget): string[] {
  const db = quoteIdentifier(target.database);
  const names = tableNames(target);
  const out = [`CREATE DATABASE IF NOT EXISTS ${db}`];
  for (const role of Object.keys(TABLES) as TableRole[]) {
    out.push(`CREATE TABLE IF NOT EXISTS ${names[role].local} (${COLUMNS[role]}) ENGINE = ${LOCAL_ENGINE[role]}`);
  }
  if (target.cluster !== undefined) {
    for (const role of Object.keys(TABLES) as TableRole[]) {
      out.push(
        `CREATE TABLE IF NOT EXISTS ${names[role].all} AS ${names[role].local} ` +
          `ENGINE = Distributed(${quoteIdentifier(target.cluster)}, ${db}, ${quoteIdentifier(`${TABLES[role]}_local`)}, ${SHARDING_KEY[role]})`,
      );
    }
  }
  return out;
}

/**
 * A finite number as attr_events.num_bits holds it: the bit pattern of the
 * binary64 value as an unsigned decimal string (JSONEachRow takes a quoted
 * UInt64; a JS number cannot carry 64 bits). -0 is stored as 0.
 */
export function numberBits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value + 0);
  return view.getBigUint64(0).toString();
}

/** The DDL that removes the database (tests, benchmarks), to run on every node. */
export function dropStatements(target: ClickHouseTarget): string[] {
  return [`DROP DATABASE IF EXISTS ${quoteIdentifier(target.database)}`];
}
