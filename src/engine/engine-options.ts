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
}

export interface QueryOptions {
  /** ISO date-time with offset, epoch milliseconds, or a Date; default now */
  asOf?: string | number | Date;
  /** IANA zone for date-only bounds; default: the query's `tz`, then the engine's, then UTC */
  tz?: string;
  signal?: AbortSignal;
}
