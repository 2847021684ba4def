/** The per-size result file (bench/results/<lines>.json) that report.ts reads. */
import fs from 'node:fs';
import path from 'node:path';
import type { CpuShare, Machine, MemSample } from './machine.js';

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
  duckdb: LatencyStats;
}

export interface SizeResult {
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
    /** Engine.open({dir}) of the closed store in a fresh process (bench/open-probe.ts) */
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
  duckdb: {
    version: string;
    threads: number;
    memoryLimit: string;
    ingestMs: number;
    appendMs: number;
    finishMs: number;
    linesPerSec: number;
    /** duckdb_memory() after load */
    memoryBytes: number;
  };
  scenarios: ScenarioResult[];
}

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
