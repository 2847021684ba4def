import type { Durability } from '../log/append-log.js';
import type { ParseLimits } from '../query/parse-segment.js';

export interface EngineOptions {
  /** data directory; absent: in-memory only */
  dir?: string;
  /** shard count, fixed when the store is created (default: available cores) */
  shards?: number;
  /** the engine's configured zone for date-only bounds (default UTC); recorded in a new store */
  tz?: string;
  /** 'fsync' (default): append resolves after the log is on disk. 'none': bulk loads that can be redone */
  durability?: Durability;
  /**
   * Open an existing store for queries only: no write lock (so queries can
   * run while another process ingests), no repairs, appends refused.
   */
  readOnly?: boolean;
  /** query text limits (default 1 MiB, depth 100) */
  limits?: Partial<ParseLimits>;
  /** worker threads for `<bought>` conditions (default: available cores; 0: evaluate on the calling thread) */
  threads?: number;
  /** use the workers only for queries that scan at least this many order lines (default 50,000): below it a round trip costs more than the scan */
  poolMinLines?: number;
  /**
   * a wide unfiltered window (per-customer totals minus the orders outside it) goes to the workers
   * only from this many values read a shard (default 1,000,000): below it running it here is faster
   */
  poolMinComplement?: number;
  /**
   * memory for cached per-day customer bitmaps that answer "bought X in a
   * window of many days" without scanning those days (default 1.5 GiB, least
   * recently used dropped first; 0: always scan)
   */
  dayBucketBytes?: number;
  /** use day buckets for windows matching at least this many rows a shard (default 100,000): smaller ones are scanned */
  dayBucketMinRows?: number;
  /** queries evaluated at once (default: 2 x threads) */
  maxConcurrentQueries?: number;
  /** queries waiting for a slot before E_OVERLOADED (default 256) */
  maxQueuedQueries?: number;
}

export interface QueryOptions {
  /** ISO date-time with offset, epoch milliseconds, or a Date; default now */
  asOf?: string | number | Date;
  /** IANA zone for date-only bounds; default: the query's `tz`, then the engine's, then UTC */
  tz?: string;
  /** aborts the query: it rejects with the signal's reason (an AbortError, code ABORT_ERR) */
  signal?: AbortSignal;
  /** deadline for this query in milliseconds: E_TIMEOUT when it passes */
  timeoutMs?: number;
}
