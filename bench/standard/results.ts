/** The per-size result file (bench/results/<lines>.json) that report.ts reads. */
import fs from 'node:fs';
import path from 'node:path';
import type { CpuShare, Machine, MemSample } from '../common/machine.js';

export const RESULTS_FORMAT = 3;

export interface LatencyStats {
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
  samples: number;
}

export interface FreshOpen {
  openMs: number;
  lines: number;
  /** after the open minus before it, both after full GCs */
  delta: MemSample;
  recovery: unknown;
}

export interface ScenarioResult {
  id: string;
  title: string;
  xml: string;
  sql: string;
  count: number;
  shandian: LatencyStats;
  /** null only in a large-mode result measured with --engine-only (DuckDB not run) */
  duckdb: LatencyStats | null;
}

/** What both modes measure the same way. */
interface SizeResultBase {
  format: number;
  /** the --lines asked for */
  requestedLines: number;
  measuredAt: string;
  command: string;
  machine: Machine;
  /** sha256 prefix over the engine's TypeScript sources (src/) when measured */
  engineSource: string;
  gcMethod: string;
  data: { seed: number; orders: number; lines: number; records: number; customers: number; refunds: number; tagEvents: number; fingerprint: string };
  asOf: string;
  tz: string;
  bench: { minRuns: number; minTimeMs: number; warmupRuns: number };
  scenarios: ScenarioResult[];
}

/** `npm run bench` (bench/standard/run.ts): both engines in one process, the store built through `append`. */
export interface AppendSizeResult extends SizeResultBase {
  /** absent in files written before there were two modes */
  mode?: 'append';
  /** how busy the machine was with other processes while we measured */
  noise: { shandianIngest: CpuShare; timing: CpuShare };
  shandian: {
    version: string;
    shards: number;
    batchRecords: number;
    ingestMs: number;
    linesPerSec: number;
    /** after the append path built the store, minus the baseline before it */
    memoryAfterLoad: MemSample;
    /** Engine.open({dir}) of the closed store in a fresh process (bench/standard/open-probe.ts) */
    freshOpen: FreshOpen;
    closeMs: number;
    reopenMs: number;
    /** the first query on the reopened store (untimed by tinybench: worker start-up, lazy work) */
    firstQueryAfterOpenMs: number;
    firstQueryScenario: string;
    /** Engine.open of an unclosed copy of the store (log only, as after kill -9) */
    replayMs: number;
    replayLogBytes: number;
    /** what the unclosed copy held (an auto-snapshot may have been written during ingest) */
    replayFiles: string[];
    replayRecovery: unknown;
    /** what the open reported (replayed frames/records, snapshot or not) */
    recovery: unknown;
    diskBytes: number;
    diskFiles: string[];
  };
  duckdb: DuckLoad;
}

/** DuckDB's side of a size: its version and settings and how the load went. */
export interface DuckLoad {
  version: string;
  threads: number;
  /** as DuckDB reports the setting */
  memoryLimit: string;
  /** appenders + final-state SQL (+ CHECKPOINT in large mode), excluding record generation */
  ingestMs: number;
  appendMs: number;
  finishMs: number;
  linesPerSec: number;
  /** duckdb_memory() after the load */
  memoryBytes: number;
}

/**
 * `npm run bench:large` (bench/large/large.ts): each phase in its own process, so
 * sizes beyond what both engines can hold in RAM at once can be measured.
 * The store is built by `shandian gen --data` (not `append`: no ingest rate,
 * log replay or reopen-after-close figures), DuckDB is file-backed under a
 * memory limit.
 */
export interface LargeSizeResult extends SizeResultBase {
  mode: 'large';
  /**
   * `--engine-only`: DuckDB was not run (`duckdb` and every scenario's `duckdb` are null), so the
   * counts are shandian's own and were NOT cross-checked against DuckDB. Absent otherwise.
   */
  engineOnly?: true;
  /** with --engine-only, phase 1 without DuckDB: one pass generating the records (Fingerprint, DataStats, customers) */
  statsPass?: { wallMs: number; peakRssBytes: number };
  /**
   * other processes' share of the CPU, per phase (each child measures its own); the DuckDB ones are
   * absent with --engine-only, which has statsPass instead; build is absent when the build was not run here
   */
  noise: { duckdbLoad?: CpuShare; duckdbTiming?: CpuShare; statsPass?: CpuShare; build?: CpuShare; shandianTiming: CpuShare };
  shandian: {
    version: string;
    shards: number;
    build: LargeBuild;
    /** Engine.open({ dir }) in the query process: RSS after minus before, both after full GCs */
    open: { openMs: number; before: MemSample; after: MemSample; delta: MemSample; bytesPerLine: number; recovery: unknown };
    /** the first query after the open (untimed by tinybench) */
    firstQueryAfterOpenMs: number;
    firstQueryScenario: string;
    closeMs: number;
    /** VmHWM of the query process (open, counts, timings) */
    queryPeakRssBytes: number;
    diskBytes: number;
    diskFiles: string[];
  };
  /** null with --engine-only */
  duckdb: (DuckLoad & {
    /** what was asked for with SET memory_limit */
    memoryLimitRequested: string;
    storage: 'file';
    checkpointMs: number;
    /** the whole load phase, record generation included */
    loadWallMs: number;
    /** database file (and WAL, if any) after the checkpoint */
    fileBytes: number;
    /** VmHWM of the DuckDB process (generation, load, counts, timings) */
    peakRssBytes: number;
  }) | null;
}

/**
 * How a large-mode result got its store: built by phase 2 (`gen --data`, measured in this run; files
 * written before --store have no `measured`), or an existing store given with `--store`, its build
 * either measured separately (`--build-seconds`, `--build-peak-gib`, taken on trust) or not at all.
 */
export type LargeBuild =
  | {
    measured?: 'this-run';
    command: string;
    /** wall time of the `gen --data` process */
    wallMs: number;
    linesPerSec: number;
    /** VmHWM of the `gen --data` process */
    peakRssBytes: number;
    /** the CLI's own summary line */
    reported: string;
  }
  | {
    measured: 'separately';
    /** the --store directory */
    store: string;
    /** as given with --build-seconds */
    wallMs: number;
    linesPerSec: number;
    /** as given with --build-peak-gib */
    peakRssBytes: number;
  }
  | {
    measured: 'no';
    /** the --store directory */
    store: string;
  };

export type SizeResult = AppendSizeResult | LargeSizeResult;

export const isLarge = (r: SizeResult): r is LargeSizeResult => r.mode === 'large';

export function resultPath(dir: string, lines: number): string {
  return path.join(dir, `${lines}.json`);
}

export function writeResult(dir: string, r: SizeResult): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = resultPath(dir, r.requestedLines);
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}

export function readResults(dir: string): SizeResult[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as SizeResult)
    .filter((r) => r.format === RESULTS_FORMAT)
    .sort((a, b) => a.data.lines - b.data.lines);
}
