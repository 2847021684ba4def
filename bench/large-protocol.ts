/**
 * What bench/large.ts and its phase processes (large-duck.ts, large-query.ts,
 * large-build-hook.ts) hand each other: JSON files in the work directory, the
 * per-process measurements every phase takes, and the shared log format.
 */
import fs from 'node:fs';
import type { FingerprintSummary, DataStatsJson } from './data.js';
import type { CpuShare, MemSample } from './machine.js';
import type { LatencyStats } from './results.js';

export class BenchFailure extends Error {}

/** Exit code of a query phase that found count mismatches (and skipped its timings). */
export const EXIT_COUNT_MISMATCH = 3;

export interface BenchOptions {
  runs: number;
  timeMs: number;
  warmup: number;
}

export interface DuckPhaseConfig {
  orders: number;
  /** the --lines asked for: progress lines show how far along the load is */
  requestedLines: number;
  dbPath: string;
  tempDirectory: string;
  memoryLimit: string;
  threads: number;
  bench: BenchOptions;
  /** where to write the DataStats the scenarios are picked from */
  statsPath: string;
  outPath: string;
}

export interface DuckPhaseOutput {
  fingerprint: FingerprintSummary;
  /** DuckDB's universe of known customers */
  customers: number;
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
  /** what the DuckDB phase's generator pass saw: the store must hold the same */
  expected: { orders: number; lines: number; customers: number };
  /** DuckDB's counts: on any difference the phase stops before timing (saves many minutes at scale) */
  expectedCounts: Record<string, number>;
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
    process.stderr.write(`usage: node ${name}.js CONFIG.json (started by bench/large.ts)\n`);
    process.exit(2);
  }
  body(readJson<C>(configPath)).catch((e: unknown) => {
    const msg = e instanceof BenchFailure ? e.message : e instanceof Error ? e.stack ?? e.message : String(e);
    process.stderr.write(`\n[large] ${name} FAILED: ${msg}\n`);
    process.exit(1);
  });
}
