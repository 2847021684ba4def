/** Assembles bench/large.ts's phase outputs into the result file report.ts renders (a LargeSizeResult). */
import { SEED } from './data.js';
import type { BenchOptions, DuckPhaseOutput, QueryPhaseOutput } from './large-protocol.js';
import { memDelta, type CpuShare, type Machine } from './machine.js';
import { BenchFailure } from './large-protocol.js';
import { RESULTS_FORMAT, type LargeSizeResult } from './results.js';
import { AS_OF, TZ, type Scenario } from './scenarios.js';

export interface LargeRun {
  requestedLines: number;
  command: string;
  machine: Machine;
  engineSource: string;
  version: string;
  bench: BenchOptions;
  memoryLimitRequested: string;
  scenarios: readonly Scenario[];
  duck: DuckPhaseOutput;
  build: { command: string; wallMs: number; peakRssBytes: number; reported: string; noise?: CpuShare };
  /** a query phase that timed (its counts agreed with DuckDB's) */
  query: QueryPhaseOutput & Required<Pick<QueryPhaseOutput, 'latencies' | 'noiseTiming' | 'closeMs'>>;
  diskBytes: number;
  diskFiles: string[];
}

export function largeResult(r: LargeRun): LargeSizeResult {
  const fp = r.duck.fingerprint;
  const q = r.query;
  const delta = memDelta(q.after, q.before);
  const ingestMs = r.duck.appendMs + r.duck.finishMs + r.duck.checkpointMs;
  return {
    format: RESULTS_FORMAT,
    mode: 'large',
    requestedLines: r.requestedLines,
    measuredAt: new Date().toISOString(),
    command: r.command,
    machine: r.machine,
    engineSource: r.engineSource,
    gcMethod: q.gcMethod,
    data: { seed: SEED, orders: fp.orders, lines: fp.lines, records: fp.records, customers: q.size.customers, refunds: fp.refunds, tagEvents: fp.tagEvents, fingerprint: fp.hash },
    asOf: AS_OF,
    tz: TZ,
    bench: { minRuns: r.bench.runs, minTimeMs: r.bench.timeMs, warmupRuns: r.bench.warmup },
    noise: { duckdbLoad: r.duck.noise.load, duckdbTiming: r.duck.noise.timing, ...(r.build.noise ? { build: r.build.noise } : {}), shandianTiming: q.noiseTiming },
    shandian: {
      version: r.version,
      shards: q.size.shards,
      build: { command: r.build.command, wallMs: r.build.wallMs, linesPerSec: fp.lines / (r.build.wallMs / 1000), peakRssBytes: r.build.peakRssBytes, reported: r.build.reported },
      open: { openMs: q.openMs, before: q.before, after: q.after, delta, bytesPerLine: delta.rss / fp.lines, recovery: q.recovery },
      firstQueryAfterOpenMs: q.firstQueryMs,
      firstQueryScenario: q.firstQueryScenario,
      closeMs: q.closeMs,
      queryPeakRssBytes: q.peakRssBytes,
      diskBytes: r.diskBytes,
      diskFiles: r.diskFiles,
    },
    duckdb: {
      version: r.duck.version,
      threads: r.duck.threads,
      memoryLimit: r.duck.memoryLimit,
      memoryLimitRequested: r.memoryLimitRequested,
      storage: 'file',
      ingestMs,
      appendMs: r.duck.appendMs,
      finishMs: r.duck.finishMs,
      checkpointMs: r.duck.checkpointMs,
      loadWallMs: r.duck.loadWallMs,
      linesPerSec: fp.lines / (ingestMs / 1000),
      memoryBytes: r.duck.memoryBytes,
      fileBytes: r.duck.fileBytes,
      peakRssBytes: r.duck.peakRssBytes,
    },
    scenarios: r.scenarios.map((s) => {
      const shandian = q.latencies[s.id], duckdb = r.duck.latencies[s.id], count = r.duck.counts[s.id];
      if (!shandian || !duckdb || count === undefined) throw new BenchFailure(`no timings or count for ${s.id}`);
      return { id: s.id, title: s.title, xml: s.xml, sql: s.sql, count, shandian, duckdb };
    }),
  };
}
