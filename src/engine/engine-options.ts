import type { Durability } from '../log/append-log.js';
import type { ParseLimits } from '../query/parse-limits.js';
import { ShandianError } from '../model/errors.js';
import { isValidTimeZone } from '../model/time.js';
import { defaultHint, ENGINE_DEFAULTS, LIMIT_DEFAULTS, QUERY_DEFAULTS } from '../model/defaults.js';

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
  /** now, in epoch milliseconds, for live segments (default Date.now) */
  clock?: () => number;
  /** live segments' time changes are recorded within this many ms (default 60,000) */
  liveIntervalMs?: number;
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

/**
 * What one option accepts. Every `Engine.open` and query option has one entry
 * in a table below, checked with `satisfies Record<keyof ..., OptionSpec>`:
 * an option added to the interface without a spec (or a spec without an
 * option) does not compile, so no option can go unvalidated.
 */
export type OptionSpec =
  | { kind: 'string'; doc: string; default: string }
  | { kind: 'boolean'; doc: string; default: string }
  | { kind: 'integer'; min: number; max: number; doc: string; default: string }
  | { kind: 'number'; min: number; minExclusive?: boolean; doc: string; default: string }
  | { kind: 'enum'; allowed: readonly string[]; doc: string; default: string }
  /** an IANA zone name; an unknown name is E_BAD_TZ (its documented code), a non-string E_BAD_ARGS */
  | { kind: 'timeZone'; doc: string; default: string }
  /** ISO date-time with offset, epoch ms or a Date; a malformed one is E_BAD_DATE when resolved */
  | { kind: 'dateTime'; doc: string; default: string }
  | { kind: 'signal'; doc: string; default: string }
  | { kind: 'function'; doc: string; default: string }
  | { kind: 'object'; fields: Readonly<Record<string, OptionSpec>>; doc: string; default: string };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Query text limits (`limits` of Engine.open). */
export const LIMIT_OPTION_SPECS = {
  maxBytes: { kind: 'integer', min: 1, max: MAX_SAFE, doc: 'size of the query text in UTF-8 bytes', default: defaultHint(LIMIT_DEFAULTS.maxBytes) },
  maxDepth: { kind: 'integer', min: 1, max: MAX_SAFE, doc: 'nesting depth in elements; the root <segment> is depth 1', default: defaultHint(LIMIT_DEFAULTS.maxDepth) },
} as const satisfies Record<keyof ParseLimits, OptionSpec>;

/**
 * Every `Engine.open` option: the one place they are described and checked.
 * `clickhouse: { urls, cluster, database }` is not in this table: Engine.open
 * hands such options (with `tz` and `limits`, nothing else) to the ClickHouse
 * backend before this table is read, and that backend checks them
 * (src/backends/clickhouse/cluster/cluster-engine.ts, docs/cluster.md).
 */
export const ENGINE_OPTION_SPECS = {
  dir: { kind: 'string', doc: 'data directory (a non-empty path)', default: defaultHint(ENGINE_DEFAULTS.dir) },
  shards: { kind: 'integer', min: 1, max: 256, doc: 'shard count, fixed when the store is created', default: defaultHint(ENGINE_DEFAULTS.shards) },
  tz: { kind: 'timeZone', doc: "the store's IANA zone for date-only bounds", default: defaultHint(ENGINE_DEFAULTS.tz) },
  durability: { kind: 'enum', allowed: ['fsync', 'none'], doc: "'fsync': append resolves after the log is on disk; 'none': bulk loads that can be redone", default: defaultHint(ENGINE_DEFAULTS.durability) },
  readOnly: { kind: 'boolean', doc: 'open an existing store for queries only (no lock, appends refused)', default: defaultHint(ENGINE_DEFAULTS.readOnly) },
  limits: { kind: 'object', fields: LIMIT_OPTION_SPECS, doc: 'query text limits { maxBytes, maxDepth }', default: defaultHint(ENGINE_DEFAULTS.limits) },
  threads: { kind: 'integer', min: 0, max: 1024, doc: 'worker threads for <bought> conditions; 0 evaluates on the calling thread', default: defaultHint(ENGINE_DEFAULTS.threads) },
  poolMinLines: { kind: 'integer', min: 0, max: MAX_SAFE, doc: 'order lines a query must scan before it uses the workers', default: defaultHint(ENGINE_DEFAULTS.poolMinLines) },
  poolMinComplement: { kind: 'integer', min: 0, max: MAX_SAFE, doc: 'values read a shard before a wide window goes to the workers', default: defaultHint(ENGINE_DEFAULTS.poolMinComplement) },
  dayBucketBytes: { kind: 'integer', min: 0, max: MAX_SAFE, doc: 'memory for cached per-day customer bitmaps; 0 turns them off', default: defaultHint(ENGINE_DEFAULTS.dayBucketBytes) },
  dayBucketMinRows: { kind: 'integer', min: 0, max: MAX_SAFE, doc: 'rows a shard a window must match before day buckets are used', default: defaultHint(ENGINE_DEFAULTS.dayBucketMinRows) },
  maxConcurrentQueries: { kind: 'integer', min: 1, max: MAX_SAFE, doc: 'queries evaluated at once', default: defaultHint(ENGINE_DEFAULTS.maxConcurrentQueries) },
  maxQueuedQueries: { kind: 'integer', min: 0, max: MAX_SAFE, doc: 'queries waiting for a slot before E_OVERLOADED', default: defaultHint(ENGINE_DEFAULTS.maxQueuedQueries) },
  clock: { kind: 'function', doc: 'a function returning now in epoch milliseconds (live segments)', default: defaultHint(ENGINE_DEFAULTS.clock) },
  liveIntervalMs: { kind: 'integer', min: 1, max: 2_147_483_647, doc: 'live segments: time changes are recorded within this many ms', default: defaultHint(ENGINE_DEFAULTS.liveIntervalMs) },
} as const satisfies Record<keyof EngineOptions, OptionSpec>;

/** Every query option (`engine.query` and `engine.explain`). */
export const QUERY_OPTION_SPECS = {
  asOf: { kind: 'dateTime', doc: 'ISO date-time with offset, epoch milliseconds, or a Date', default: defaultHint(QUERY_DEFAULTS.asOf) },
  tz: { kind: 'timeZone', doc: 'IANA zone for date-only bounds', default: defaultHint(QUERY_DEFAULTS.tz) },
  signal: { kind: 'signal', doc: 'an AbortSignal that aborts the query', default: defaultHint(QUERY_DEFAULTS.signal) },
  timeoutMs: { kind: 'number', min: 0, minExclusive: true, doc: 'deadline for the query in milliseconds (E_TIMEOUT)', default: defaultHint(QUERY_DEFAULTS.timeoutMs) },
} as const satisfies Record<keyof QueryOptions, OptionSpec>;

/** Checks every `Engine.open` option against ENGINE_OPTION_SPECS; throws E_BAD_ARGS (E_BAD_TZ for an unknown zone). */
export function validateEngineOptions(options: unknown): EngineOptions {
  return validateOptions(options, ENGINE_OPTION_SPECS, 'Engine.open option') as EngineOptions;
}

/** Checks query options against QUERY_OPTION_SPECS; throws E_BAD_ARGS (E_BAD_TZ for an unknown zone). */
export function validateQueryOptions(options: unknown): QueryOptions {
  return validateOptions(options, QUERY_OPTION_SPECS, 'query option') as QueryOptions;
}

function validateOptions(options: unknown, specs: Readonly<Record<string, OptionSpec>>, what: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ShandianError('E_BAD_ARGS', `${what}s must be an object, got ${describe(options)}`, {},
      `pass an object with some of: ${Object.keys(specs).join(', ')}`);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(specs, key)) {
      const near = closest(key, Object.keys(specs));
      throw new ShandianError('E_BAD_ARGS', `unknown ${what} ${JSON.stringify(key)}`, {},
        `${near ? `did you mean ${near}? ` : ''}known options: ${Object.keys(specs).join(', ')}`);
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    if (Object.hasOwn(record, key)) checkValue(record[key], spec, `${what} ${key}`);
  }
  return record;
}

function checkValue(value: unknown, spec: OptionSpec, name: string): void {
  if (value === undefined) return; // absent: the default
  const bad: (expected: string) => never = (expected) => {
    throw new ShandianError('E_BAD_ARGS', `${name} must be ${expected}, got ${describe(value)}`, {},
      `${spec.doc}; default: ${spec.default}`);
  };
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string' || value.length === 0) bad('a non-empty string');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') bad('true or false');
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        bad(spec.max === MAX_SAFE ? `an integer >= ${spec.min}` : `an integer from ${spec.min} to ${spec.max}`);
      }
      return;
    case 'number': {
      const ok = typeof value === 'number' && Number.isFinite(value) && (spec.minExclusive ? value > spec.min : value >= spec.min);
      if (!ok) bad(`a finite number ${spec.minExclusive ? '>' : '>='} ${spec.min}`);
      return;
    }
    case 'enum':
      if (typeof value !== 'string' || !spec.allowed.includes(value)) bad(`one of ${spec.allowed.map((a) => JSON.stringify(a)).join(', ')}`);
      return;
    case 'timeZone':
      if (typeof value !== 'string') bad('an IANA time zone name such as "Asia/Shanghai"');
      if (!isValidTimeZone(value as string)) {
        throw new ShandianError('E_BAD_TZ', `${name}: unknown time zone ${JSON.stringify(value)}`, {}, 'use an IANA name such as Asia/Shanghai');
      }
      return;
    case 'dateTime':
      if (typeof value !== 'string' && typeof value !== 'number' && !(value instanceof Date)) {
        bad('an ISO date-time with offset (string), epoch milliseconds (number) or a Date');
      }
      return;
    case 'signal':
      if (!(value instanceof AbortSignal)) bad('an AbortSignal');
      return;
    case 'function':
      if (typeof value !== 'function') bad('a function');
      return;
    case 'object':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(`an object with some of: ${Object.keys(spec.fields).join(', ')}`);
      validateOptions(value, spec.fields, name);
      return;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/** The known name one or two edits away (case-insensitive), for "did you mean". */
function closest(key: string, names: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = editDistance(k, name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
