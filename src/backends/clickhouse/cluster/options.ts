/**
 * The ClickHouse backend's own defaults and knobs (the engine's are in
 * src/model/defaults.ts; a backend's options live in its folder), each with
 * what it trades.
 */
export const CLICKHOUSE_DEFAULTS = {
  /** `--database` when not given (the contract's default) */
  database: 'shandian',
  /** one HTTP request's limit (a long query, a large insert); more: slow queries finish, a hung node is noticed later */
  requestTimeoutMs: 300_000,
  /** every node must answer SELECT 1 within this before a query or append; less: a slow node counts as down */
  pingTimeoutMs: 5_000,
  /** records per insert round (one lookup of the batch's order ids, one insert per table); more: fewer round trips, more memory */
  batchRecords: 100_000,
  /** ids above this many are sent as external data instead of an inline IN list (over ~256 KB of IN list fails on 18.16's remote shards) */
  inlineIdsMax: 1_000,
} as const;
