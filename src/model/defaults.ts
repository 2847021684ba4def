/**
 * Every default and tuning knob of the engine, in one place (the style of
 * piscina's kDefaultOptions). Two records:
 *
 * - ENGINE_DEFAULTS / QUERY_DEFAULTS: the default of every public option of
 *   `Engine.open` and `engine.query`, with the text README.md and docs write
 *   for it (`text`). The option table (src/engine/engine-options.ts) takes
 *   its defaults from here, and test/engine/defaults.test.ts checks that
 *   README.md names every option with this text (and docs/*.md, where they
 *   state a default), so a copy by hand cannot drift.
 * - TUNING: internal thresholds no caller sets, each with what it trades.
 *
 * No imports: every folder may read it (src/model is the bottom layer).
 */

/** Resolves to a number from the machine (available cores) and the options already resolved. */
export type DefaultFrom = (env: { cores: number; threads: number }) => number;

interface Default<T> {
  /** the value, or how it is computed (cores, threads) */
  readonly value: T;
  /** the default as README.md and docs write it */
  readonly text: string;
}

export const ENGINE_DEFAULTS = {
  dir: { value: undefined, text: 'none: in-memory only' },
  shards: { value: ((env) => env.cores) as DefaultFrom, text: 'the available cores' },
  tz: { value: 'UTC', text: 'UTC' },
  durability: { value: 'fsync', text: 'fsync' },
  readOnly: { value: false, text: 'false' },
  /** the contract's query text limits: 1 MiB of XML text and 100 nested elements */
  limits: { value: { maxBytes: 1_048_576, maxDepth: 100 }, text: '{ maxBytes: 1048576, maxDepth: 100 }' },
  threads: { value: ((env) => env.cores) as DefaultFrom, text: 'the available cores' },
  /** below this many order lines a query's round trip to the workers costs more than the scan */
  poolMinLines: { value: 50_000, text: '50,000' },
  /**
   * A complement task goes to the pool from this many values read (outside
   * orders plus customers' totals): at 2.9M lines (100k customers a shard) it
   * ran 2x slower there than here; at 300M (6.4M a shard) the 2 cores win.
   */
  poolMinComplement: { value: 1_000_000, text: '1,000,000' },
  /** day buckets' memory, all shards: at 300M lines a year of all-orders blocks takes ~0.6 GiB */
  dayBucketBytes: { value: 1536 * 1024 * 1024, text: '1.5 GiB' },
  /** windows with fewer matching rows a shard are scanned: their buckets would not pay for themselves */
  dayBucketMinRows: { value: 100_000, text: '100,000' },
  maxConcurrentQueries: { value: ((env) => Math.max(2, env.threads * 2)) as DefaultFrom, text: '2 x threads (at least 2)' },
  maxQueuedQueries: { value: 256, text: '256' },
} as const satisfies Record<string, Default<unknown>>;

/** The parts of `limits`. */
export const LIMIT_DEFAULTS = {
  maxBytes: { value: ENGINE_DEFAULTS.limits.value.maxBytes, text: '1 MiB' },
  maxDepth: { value: ENGINE_DEFAULTS.limits.value.maxDepth, text: '100' },
} as const satisfies Record<string, Default<unknown>>;

export const QUERY_DEFAULTS = {
  asOf: { value: undefined, text: 'now' },
  tz: { value: undefined, text: "the query's tz, then the engine's, then UTC" },
  signal: { value: undefined, text: 'none' },
  timeoutMs: { value: undefined, text: 'none' },
} as const satisfies Record<string, Default<unknown>>;

/**
 * The default as the option table's hints write it: a number as digits,
 * followed by the docs' text when that says more ("1610612736 (1.5 GiB)").
 */
export function defaultHint(d: { readonly value: unknown; readonly text: string }): string {
  if (typeof d.value !== 'number') return d.text;
  const digits = String(d.value);
  return d.text.replaceAll(',', '') === digits ? digits : `${digits} (${d.text})`;
}

/** An option's default value on this machine (cores) given the options resolved so far (threads). */
export function engineDefault<K extends keyof typeof ENGINE_DEFAULTS>(
  key: K,
  env: { cores: number; threads?: number },
): (typeof ENGINE_DEFAULTS)[K]['value'] extends DefaultFrom ? number : (typeof ENGINE_DEFAULTS)[K]['value'] {
  const value = ENGINE_DEFAULTS[key].value;
  return (typeof value === 'function' ? (value as DefaultFrom)({ cores: env.cores, threads: env.threads ?? env.cores }) : value) as never;
}

/**
 * Internal tuning knobs. None is an option: each is a trade measured on the
 * benchmark stores (docs/performance.md); changing one changes speed or
 * memory, never an answer.
 */
export const TUNING = {
  /**
   * How long a query may run on the calling thread before it gives the event
   * loop a turn (ms). Lower: timers, I/O and other callers wait less, and
   * `signal`/`timeoutMs` act sooner; higher: fewer turns (a few µs each).
   */
  YIELD_BUDGET_MS: 10,
  /**
   * Candidates (language/evaluate.ts): a `<bought>`'s `and` siblings limit its
   * scan only while they hold at most this share of the shard's customers.
   * Higher: more scans limited, but the mask costs more to build than it saves.
   */
  MAX_CANDIDATE_SHARE: 0.5,
  /**
   * An unfiltered window is computed as totals minus the orders outside it
   * (exec/eval-bought.ts) when outside + customers x this < inside: the
   * complement pass reads every customer's total, so it must save that much.
   */
  COMPLEMENT_CUSTOMER_WEIGHT: 1 / 4,
  /**
   * A time posting merges its unsorted tail of late rows once it is longer
   * than max(TAIL_MIN_ROWS, rows >> TAIL_SHIFT) (index/time-posting.ts): a
   * longer tail makes window scans look at more rows one by one, a shorter
   * one re-sorts more often while orders stream in.
   */
  POSTING_TAIL_MIN_ROWS: 256,
  POSTING_TAIL_SHIFT: 4,
  /**
   * Idle worker threads are kept this long (ms; piscina idleTimeout). Threads
   * are minThreads = maxThreads, so this only matters after one died.
   */
  POOL_IDLE_TIMEOUT_MS: 60_000,
  /**
   * `<bought>` tasks a pool message holds (exec/pool-executor.ts): a message is
   * serialised on the calling thread in one go, so a 20,000-branch `<or>`
   * goes in pieces that each take a few ms; more per message means fewer
   * round trips but longer stretches without an event loop turn.
   */
  POOL_TASKS_PER_MESSAGE: 200,
  /** Day buckets (exec/day-buckets.ts): bytes counted per cached entry beyond its bitmap (Map entry, key, versions). */
  DAY_BUCKET_ENTRY_OVERHEAD_BYTES: 256,
  /**
   * Block sizes in days, largest first, each four of the next (the walk
   * relies on it): bigger blocks mean fewer ORs a query, more days rebuilt
   * when one of them changes.
   */
  DAY_BUCKET_BLOCK_DAYS: [64, 16, 4, 1],
  /** Windows with fewer whole days than this are scanned: a scan of a few days is as cheap as their buckets. */
  DAY_BUCKET_MIN_WHOLE_DAYS: 4,
  /** Filters remembered as asked once (buckets are built on a filter's second use): more remembers more, in memory. */
  DAY_BUCKET_MAX_ASKED: 10_000,
} as const;
