/**
 * What bench/large/large.ts and its phase processes (large-duck.ts or large-stats.ts,
 * large-query.ts, large-build-hook.ts) hand each other: JSON files in the work directory, the
 * per-process measurements every phase takes, and the shared log format.
 */
import fs from 'node:fs';
import type { FingerprintSummary, DataStatsJson } from '../standard/data.js';
import type { CpuShare, MemSample } from '../common/machine.js';
import type { LatencyStats } from '../standard/results.js';

export class BenchFailure extends Error {}

/** Exit code of a query phase that found count mismatches (and skipped its timings). */
export const EXIT_COUNT_MISMATCH = 3;

export interface BenchOptions {
  runs: number;
  timeMs: number;
  warmup: number;
}

/** What phase 1 needs to generate the records once (large-duck.ts, or large-stats.ts with --engine-only). */
export interface DataPassConfig {
  orders: number;
  /** the --lines asked for: progress lines show how far along the pass is */
  requestedLines: number;
  /** where to write the DataStats the scenarios are picked from */
  statsPath: string;
  outPath: string;
}

/** What phase 1's pass over the generated records hands to phases 2 and 3 (either kind of phase 1). */
export interface DataPassOutput {
  fingerprint: FingerprintSummary;
  /**
   * The universe of known customers: every customer id in an order, customer
   * or tag record. The DuckDB phase reports DuckDB's count (checked against
   * the pass's own); the stats phase, the pass's own.
   */
  customers: number;
}

export interface DuckPhaseConfig extends DataPassConfig {
  dbPath: string;
  tempDirectory: string;
  memoryLimit: string;
  threads: number;
  bench: BenchOptions;
}

/** Phase 1 with --engine-only (large-stats.ts): the records generated once, no DuckDB. */
export type StatsPhaseConfig = DataPassConfig;

export interface StatsPhaseOutput extends DataPassOutput {
  /** the whole pass: generating the records, the Fingerprint, the DataStats, the distinct customers */
  wallMs: number;
  noise: CpuShare;
  peakRssBytes: number;
}

export interface DuckPhaseOutput extends DataPassOutput {
  version: string;
  threads: number;
  memoryLimit: string;
  appendMs: number;
  finishMs: number;
  checkpointMs: number;
  /** from the first record generated to the checkpoint's end */
  loadWallMs: number;
  memoryBytes: number;
  fileBytes: number;
  counts: Record<string, number>;
  latencies: Record<string, LatencyStats>;
  noise: { load: CpuShare; timing: CpuShare };
  peakRssBytes: number;
}

export interface QueryPhaseConfig {
  storeDir: string;
  statsPath: string;
  /** what phase 1's generator pass saw: the store must hold the same */
  expected: { orders: number; lines: number; customers: number };
  /**
   * DuckDB's counts: on any difference the phase stops before timing (saves many minutes at scale).
   * null with --engine-only: there is nothing to check the counts against.
   */
  expectedCounts: Record<string, number> | null;
  bench: BenchOptions;
  outPath: string;
}

export interface QueryPhaseOutput {
  size: { customers: number; orders: number; lines: number; shards: number };
  openMs: number;
  before: MemSample;
  after: MemSample;
  recovery: unknown;
  firstQueryMs: number;
  firstQueryScenario: string;
  counts: Record<string, number>;
  /** absent when the counts disagreed and no timings were taken */
  latencies?: Record<string, LatencyStats>;
  noiseTiming?: CpuShare;
  closeMs?: number;
  gcMethod: string;
  peakRssBytes: number;
}

/** What the gen --data process used, written at its exit by large-build-hook.ts. */
export interface BuildExit {
  peakRssBytes: number;
  /** user + system CPU of all its threads, microseconds */
  cpuUs: number;
}

/** Env var naming the file large-build-hook.ts writes its BuildExit to. */
export const BUILD_PEAK_ENV = 'SHANDIAN_LARGE_PEAK_FILE';

export type { DataStatsJson };

export function log(msg: string): void {
  process.stderr.write(`[large] ${msg}\n`);
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const secs = (ms: number): string => (ms / 1000).toFixed(1) + 's';
export const gib = (b: number): string => (b / 2 ** 30).toFixed(2) + ' GiB';

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, JSON.stringify(value) + '\n');
}

/** A /proc/<pid>/status field in bytes (VmHWM: peak RSS, VmRSS: RSS now), or undefined off Linux or once gone. */
export function procStatusBytes(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** This process's peak resident set size so far (all threads: workers and DuckDB's pool included). */
export function peakRssBytes(): number {
  // resourceUsage().maxRSS is the same figure (ru_maxrss, KiB) where /proc is missing
  return procStatusBytes('self', 'VmHWM') ?? process.resourceUsage().maxRSS * 1024;
}

/** Entry point of a phase process: `node PHASE.js CONFIG.json`. */
export function runPhase<C>(name: string, body: (config: C) => Promise<void>): void {
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write(`usage: node ${name}.js CONFIG.json (started by bench/large/large.ts)\n`);
    process.exit(2);
  }
  body(readJson<C>(configPath)).catch((e: unknown) => {
    const msg = e instanceof BenchFailure ? e.message : e instanceof Error ? e.stack ?? e.message : String(e);
    process.stderr.write(`\n[large] ${name} FAILED: ${msg}\n`);
    process.exit(1);
  });
}
