/** Assembles bench/large/large.ts's phase outputs into the result file report.ts renders (a LargeSizeResult). */
import { SEED } from '../standard/data.js';
import type { BenchOptions, DuckPhaseOutput, QueryPhaseOutput, StatsPhaseOutput } from './large-protocol.js';
import { memDelta, type CpuShare, type Machine } from '../common/machine.js';
import { BenchFailure } from './large-protocol.js';
import { RESULTS_FORMAT, type LargeBuild, type LargeSizeResult } from '../standard/results.js';
import { AS_OF, TZ, type Scenario } from '../standard/scenarios.js';

/** What phase 2 measured, or what stands in for it when --store gave an existing store. */
export type LargeBuildRun =
  | { measured: 'this-run'; command: string; wallMs: number; peakRssBytes: number; reported: string; noise?: CpuShare }
  | { measured: 'separately'; store: string; wallMs: number; peakRssBytes: number }
  | { measured: 'no'; store: string };

export interface LargeRun {
  requestedLines: number;
  command: string;
  machine: Machine;
  engineSource: string;
  version: string;
  bench: BenchOptions;
  scenarios: readonly Scenario[];
  /** phase 1: the DuckDB phase (its counts agreed with the query phase's), or with --engine-only the stats pass */
  phase1: { kind: 'duckdb'; duck: DuckPhaseOutput; memoryLimitRequested: string } | { kind: 'stats'; stats: StatsPhaseOutput };
  build: LargeBuildRun;
  /** a query phase that timed (its counts agreed with DuckDB's, or there were none to compare) */
  query: QueryPhaseOutput & Required<Pick<QueryPhaseOutput, 'latencies' | 'noiseTiming' | 'closeMs'>>;
  diskBytes: number;
  diskFiles: string[];
}

function buildResult(b: LargeBuildRun, lines: number): LargeBuild {
  switch (b.measured) {
    case 'this-run':
      return { measured: 'this-run', command: b.command, wallMs: b.wallMs, linesPerSec: lines / (b.wallMs / 1000), peakRssBytes: b.peakRssBytes, reported: b.reported };
    case 'separately':
      return { measured: 'separately', store: b.store, wallMs: b.wallMs, linesPerSec: lines / (b.wallMs / 1000), peakRssBytes: b.peakRssBytes };
    case 'no':
      return { measured: 'no', store: b.store };
  }
}

function duckResult(d: DuckPhaseOutput, memoryLimitRequested: string, lines: number): NonNullable<LargeSizeResult['duckdb']> {
  const ingestMs = d.appendMs + d.finishMs + d.checkpointMs;
  return {
    version: d.version,
    threads: d.threads,
    memoryLimit: d.memoryLimit,
    memoryLimitRequested,
    storage: 'file',
    ingestMs,
    appendMs: d.appendMs,
    finishMs: d.finishMs,
    checkpointMs: d.checkpointMs,
    loadWallMs: d.loadWallMs,
    linesPerSec: lines / (ingestMs / 1000),
    memoryBytes: d.memoryBytes,
    fileBytes: d.fileBytes,
    peakRssBytes: d.peakRssBytes,
  };
}

export function largeResult(r: LargeRun): LargeSizeResult {
  const p1 = r.phase1;
  const duck = p1.kind === 'duckdb' ? p1.duck : null;
  const fp = p1.kind === 'duckdb' ? p1.duck.fingerprint : p1.stats.fingerprint;
  const q = r.query;
  const delta = memDelta(q.after, q.before);
  const buildNoise = r.build.measured === 'this-run' && r.build.noise ? { build: r.build.noise } : {};
  return {
    format: RESULTS_FORMAT,
    mode: 'large',
    ...(duck ? {} : { engineOnly: true as const }),
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
    ...(p1.kind === 'stats' ? { statsPass: { wallMs: p1.stats.wallMs, peakRssBytes: p1.stats.peakRssBytes } } : {}),
    noise: p1.kind === 'duckdb'
      ? { duckdbLoad: p1.duck.noise.load, duckdbTiming: p1.duck.noise.timing, ...buildNoise, shandianTiming: q.noiseTiming }
      : { statsPass: p1.stats.noise, ...buildNoise, shandianTiming: q.noiseTiming },
    shandian: {
      version: r.version,
      shards: q.size.shards,
      build: buildResult(r.build, fp.lines),
      open: { openMs: q.openMs, before: q.before, after: q.after, delta, bytesPerLine: delta.rss / fp.lines, recovery: q.recovery },
      firstQueryAfterOpenMs: q.firstQueryMs,
      firstQueryScenario: q.firstQueryScenario,
      closeMs: q.closeMs,
      queryPeakRssBytes: q.peakRssBytes,
      diskBytes: r.diskBytes,
      diskFiles: r.diskFiles,
    },
    duckdb: p1.kind === 'duckdb' ? duckResult(p1.duck, p1.memoryLimitRequested, fp.lines) : null,
    scenarios: r.scenarios.map((s) => {
      const shandian = q.latencies[s.id];
      // with DuckDB, its counts (the query phase's agreed); engine only, shandian's own, not cross-checked
      const count = duck ? duck.counts[s.id] : q.counts[s.id];
      const duckdb = duck ? duck.latencies[s.id] : null;
      if (!shandian || duckdb === undefined || count === undefined) throw new BenchFailure(`no timings or count for ${s.id}`);
      return { id: s.id, title: s.title, xml: s.xml, sql: s.sql, count, shandian, duckdb };
    }),
  };
}
