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
  /** live segments' now (epoch ms): tests and replays pass their own */
  clock: { value: undefined, text: 'Date.now' },
  /** live segments: time changes (windows sliding) are recorded within this many ms; each tick costs binary searches, a full evaluation only when an order crossed a window edge */
  liveIntervalMs: { value: 60_000, text: '60,000' },
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
  /** Day buckets are not used for a window whose orders span more days than this a shard (about 11 years): its blocks would be many and mostly empty, a scan is cheaper. */
  DAY_BUCKET_MAX_WINDOW_DAYS: 4096,
  /** Quantity bounds (exec/sum-quantities.ts): from this many orders in the slices per line of the shard, every order's quantity is summed in one sequential pass over the lines first instead of searching each order's lines (more: more searches, each a cache miss; fewer: a full pass for few orders). */
  QUANTITY_WIDE_ORDERS_PER_LINE: 16,
  /** An `<or>` of more children than this is unioned in batches of this many, a pause for the event loop possible between them: bigger batches are fewer bitmap calls, longer stretches. */
  OR_BATCH: 256,
  /** `<sample>` bucket caches a shard (2 bytes per customer per seed, least recently used seeds dropped first): more keeps more seeds warm, in memory. */
  SAMPLE_CACHE_BYTES_PER_SHARD: 128 * 2 ** 20,
  /** `<sample>`: customers hashed between pauses while a seed's buckets are first built: more is less overhead, longer stretches without an event loop turn. */
  SAMPLE_HASH_STEP: 1 << 16,
  /** The most bytes one store-file read or write call is given (1 GiB, well under Node's 2 GiB - 1 per call): smaller means more calls, no gain. */
  IO_CHUNK_BYTES: 1 << 30,
  /** Segment.ids() looks at the clock (for its pause) every this many ids: more is cheaper, coarser. */
  IDS_PER_CLOCK_CHECK: 1024,
  /** Attempts of a read-only open while a writer keeps replacing the snapshot under it: more tolerates a busier writer, a hopeless open fails later. */
  READ_ONLY_OPEN_ATTEMPTS: 20,
  /** AST nodes a message from the parse helper thread carries: more is fewer messages, each a longer stretch to deserialise on the calling thread. */
  PARSE_EVENTS_PER_MESSAGE: 250,
  /** From this many characters a query text is parsed on a helper thread (about 1 ms per 7 KB in place); below it the round trip (about 1 ms) costs more than it saves. */
  PARSE_OFF_THREAD_CHARS: 48 * 1024,
  /** CSV/Arrow readers remember this many recent order ids (64Ki to 128Ki) to tell rows of one order split by other rows from a new order; further back the store refuses the second part as a duplicate. More: better messages, more memory. */
  CSV_RECENT_ORDERS: 65_536,
  /** Walks over a plan (its <bought> nodes, candidate sources) may pause after this many nodes. */
  PLAN_WALK_STEP: 1024,
  /** `<score>`: per-shard value arrays (by, filters, window; 4 bytes per customer + 4 per scored one each, 8 + 8 where a sum passes 2^32 - 1) kept while they hold at most this many bytes per order line of the shard, least recently used dropped first: more keeps more scores warm, in memory. */
  SCORE_CACHE_BYTES_PER_LINE: 2,
  /** `<score>`: value arrays kept per shard whatever their size (an RFM query reads three on every shard: fewer would recompute them for each shard). */
  SCORE_CACHE_MIN_ENTRIES: 4,
  /** `<score>`: rows its value scan reads between points where the query may pause (about 1 to 3 ms of work): more is less overhead, longer stretches without an event loop turn. */
  SCORE_SCAN_STEP: 1 << 16,
  /** `<score>`: a window that moved forward (asOf later) by at most this share of its length at each edge is computed from the cached one plus and minus the orders between the edges, else scanned whole: more reuses more, scanning bands that may cost as much as a scan. */
  SCORE_SLIDE_MAX_SHARE: 1 / 8,
  /** `<sequence>`: posting rows its steps' walks read (and customers its check visits) between points where the query may pause (a few ms): more is less overhead, longer stretches without an event loop turn. */
  SEQUENCE_SCAN_STEP: 1 << 16,
  /** Members per export batch (an Arrow record batch, one chunk of CSV or NDJSON text): read in one synchronous step, so more is fewer pauses and a longer one. */
  EXPORT_BATCH_ROWS: 16_384,
  /** From this many members `shandian query` draws an export's progress on a terminal's stderr. */
  EXPORT_PROGRESS_MEMBERS: 200_000,
  /** Memoised local day starts (model/time.ts), cleared when full: each costs up to six Intl calls to compute. */
  DAY_STARTS_KEPT: 100_000,
  /** Portraits: an attribute with at most this many distinct values is always counted by one bitmap intersection per value. */
  PORTRAIT_BITMAP_VALUES: 64,
  /** Portraits: above PORTRAIT_BITMAP_VALUES, per-value intersections (a native call each) are used while values * this <= members; past that, one pass over the members reads each one's value. */
  PORTRAIT_MEMBERS_PER_VALUE: 256,
  /** Portraits: an order dimension keeps a bit per (customer, value) of a shard up to this many bytes (shops, categories); past it (SKUs) it collects (value, customer) pairs and groups them by value. */
  PORTRAIT_MATRIX_BYTES: 16 * 1024 * 1024,
  /** Portraits: orders of an order dimension's window scanned between two chances to pause (a few ms): more is fewer pauses, each a longer stretch. */
  PORTRAIT_ORDERS_PER_STEP: 65_536,
} as const;
