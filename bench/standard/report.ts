/**
 * Renders docs/benchmarks.md (and docs/benchmarks-latency.svg when there are
 * results for two sizes or more) from every bench/results/<lines>.json. The
 * report is always regenerated whole; nothing in it is written by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { machineLine, type MemSample } from '../common/machine.js';
import { BATCH_RECORDS } from './data.js';
import { isLarge, readResults, type AppendSizeResult, type LargeBuild, type LargeSizeResult, type LatencyStats, type ScenarioResult, type SizeResult } from './results.js';

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (b: number): string => (b / 2 ** 20).toFixed(b >= 100 * 2 ** 20 ? 0 : 1) + ' MiB';

function ms(v: number): string {
  if (v >= 1000) return (v / 1000).toFixed(2) + ' s';
  if (v >= 100) return v.toFixed(0) + ' ms';
  if (v >= 10) return v.toFixed(1) + ' ms';
  if (v >= 1) return v.toFixed(2) + ' ms';
  return v.toFixed(3) + ' ms';
}

function ratio(r: number): string {
  return r >= 10 ? r.toFixed(0) + 'x' : r >= 1 ? r.toFixed(1) + 'x' : r.toFixed(2) + 'x';
}

function sizeLabel(lines: number): string {
  if (lines >= 1e6) return (lines / 1e6).toFixed(lines % 1e6 === 0 ? 0 : 1) + 'M';
  if (lines >= 1e3) return (lines / 1e3).toFixed(lines % 1e3 === 0 ? 0 : 1) + 'k';
  return String(lines);
}

export function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

type Compared = ScenarioResult & { duckdb: LatencyStats };
const compared = (s: ScenarioResult): s is Compared => s.duckdb !== null;
const speedup = (s: Compared): number => s.duckdb.p50 / s.shandian.p50;
/** Speedups of the scenarios both engines ran: none for an --engine-only size. */
const speedups = (scenarios: readonly ScenarioResult[]): number[] => scenarios.filter(compared).map(speedup);

/** A large-mode size measured with --engine-only: DuckDB not run, counts not cross-checked. */
const isEngineOnly = (r: SizeResult): r is LargeSizeResult & { duckdb: null } => isLarge(r) && r.duckdb === null;
/** For DuckDB's cells of an --engine-only size. */
const NOT_RUN = 'not run';
/** The build of a result file written before --store existed has no `measured`: it was phase 2 of that run. */
const builtHere = (b: LargeBuild): b is Extract<LargeBuild, { reported: string }> => b.measured === undefined || b.measured === 'this-run';

/** For figures `npm run bench:large` does not measure (it builds the store with `gen --data`, not `append`). */
const NOT_MEASURED = 'not measured (large mode)';

/** RSS growth of `Engine.open` of the closed store in a fresh process: the same measurement in both modes. */
const freshDelta = (r: SizeResult): MemSample => (isLarge(r) ? r.shandian.open.delta : r.shandian.freshOpen.delta);
const freshOpenMs = (r: SizeResult): number => (isLarge(r) ? r.shandian.open.openMs : r.shandian.freshOpen.openMs);

function perLine(m: MemSample, lines: number): { heap: number; external: number; rss: number } {
  return { heap: m.heapUsed / lines, external: m.external / lines, rss: m.rss / lines };
}

function recoveryText(recovery: unknown): string {
  const rec = recovery as Record<string, unknown> | null;
  if (!rec) return 'n/a';
  const parts = Object.entries(rec)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string')
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? fmtInt(v) : String(v)}`);
  return parts.length ? parts.join(', ') : JSON.stringify(rec);
}

function renderSize(r: SizeResult): string {
  const rows = r.scenarios.map((s) => compared(s)
    ? `| ${s.id} | ${fmtInt(s.count)} | ${ms(s.shandian.p50)} | ${ms(s.shandian.p99)} | ${ms(s.duckdb.p50)} | ${ms(s.duckdb.p99)} | ${ratio(speedup(s))} |`
    : `| ${s.id} | ${fmtInt(s.count)} | ${ms(s.shandian.p50)} | ${ms(s.shandian.p99)} | ${NOT_RUN} | ${NOT_RUN} | n/a |`);
  const sp = speedups(r.scenarios);
  const runs = r.scenarios.flatMap((s) => (s.duckdb ? [s.shandian.samples, s.duckdb.samples] : [s.shandian.samples]));
  const only = isEngineOnly(r);
  return [
    `## ${sizeLabel(r.requestedLines)} order lines (${fmtInt(r.data.lines)} generated)${isLarge(r) ? ', large mode' : ''}${only ? ', engine only' : ''}`,
    '',
    ...(only ? [
      '**Engine only: DuckDB was not run at this size, so the customer counts below are shandian\'s own and were NOT cross-checked against DuckDB.**',
      '',
    ] : []),
    `${fmtInt(r.data.orders)} orders, ${fmtInt(r.data.lines)} lines, ${fmtInt(r.data.customers)} customers, ${fmtInt(r.data.refunds)} refund events, ` +
      `${fmtInt(r.data.tagEvents)} tag events (${fmtInt(r.data.records)} records). Measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC with \`${r.command}\` (engine sources ${r.engineSource}).`,
    '',
    ...(isLarge(r) ? [largeSetup(r), ''] : []),
    '| scenario | customers | shandian p50 | shandian p99 | DuckDB p50 | DuckDB p99 | speedup (DuckDB p50 / shandian p50) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    `| **geometric mean** | | | | | | **${sp.length ? ratio(geomean(sp)) : 'n/a'}** |`,
    '',
    `Each cell: at least ${r.bench.minRuns} timed runs and ${r.bench.minTimeMs} ms after ${r.bench.warmupRuns} warm-up runs ` +
      `(${Math.min(...runs)} to ${Math.max(...runs)} runs per cell; with few runs p99 is close to the maximum).`,
    ...noiseNote(r),
    '',
  ].join('\n');
}

function largeSetup(r: LargeSizeResult): string {
  const store = builtHere(r.shandian.build)
    ? 'the shandian store was built by `shandian gen --data`'
    : 'the shandian store was built beforehand by `shandian gen --data` and given with `--store` (checked to hold the same orders, lines and customers as the generator pass; ' +
      `its build ${r.shandian.build.measured === 'separately' ? 'was measured separately' : 'was not measured'})`;
  if (r.duckdb === null) {
    return `Large mode, engine only (\`npm run bench:large -- --engine-only\`): DuckDB was not run. One process generated the records for the data's ` +
      `fingerprint, customer count and the SKU statistics the scenarios are picked from${r.statsPass ? ` (${ms(r.statsPass.wallMs)})` : ''}; ` +
      `${store} and opened with \`Engine.open\` in a fresh process.`;
  }
  return `Large mode (\`npm run bench:large\`): each engine ran in its own process, one after the other. DuckDB was file-backed ` +
    `(\`SET memory_limit = '${r.duckdb.memoryLimitRequested}'\`, reported as ${r.duckdb.memoryLimit}; ${r.duckdb.threads} threads; ` +
    `database file ${mib(r.duckdb.fileBytes)}); ${store} and opened with \`Engine.open\` in a fresh process.`;
}

function noiseNote(r: SizeResult): string[] {
  if (isLarge(r)) return largeNoiseNote(r);
  const t = r.noise?.timing;
  if (!t) return [];
  const others = t.othersPct === undefined ? '' : `, other processes ${t.othersPct.toFixed(0)}%`;
  const line = `While timing, the benchmark process used ${t.ownPct.toFixed(0)}% of the machine's CPU capacity${others} ` +
    `(1-minute load average ${t.loadAvg1m.toFixed(2)} at the end, on ${r.machine.cpus} logical CPUs).`;
  const warn = t.othersPct !== undefined && t.othersPct >= 10
    ? ['', `**The machine was not idle during this run**: other processes took ${t.othersPct.toFixed(0)}% of its CPU, so these latencies (DuckDB's multi-threaded ones most) are noisier and slower than on a quiet machine.`]
    : [];
  return [line, ...warn];
}

function largeNoiseNote(r: LargeSizeResult): string[] {
  const part = (who: string, t: { ownPct: number; othersPct?: number }): string =>
    `the ${who} process used ${t.ownPct.toFixed(0)}% of the machine's CPU capacity${t.othersPct === undefined ? '' : `, other processes ${t.othersPct.toFixed(0)}%`}`;
  const d = r.noise.duckdbTiming, s = r.noise.shandianTiming;
  const line = `While timing, ${d ? `${part('DuckDB', d)}; ` : ''}${part('shandian', s)} (1-minute load average ${s.loadAvg1m.toFixed(2)} at the end, on ${r.machine.cpus} logical CPUs).`;
  const worst = Math.max(d?.othersPct ?? 0, s.othersPct ?? 0);
  const warn = worst >= 10
    ? ['', `**The machine was not idle during this run**: other processes took up to ${worst.toFixed(0)}% of its CPU while timing, so these latencies${d ? ' (DuckDB\'s multi-threaded ones most)' : ''} are noisier and slower than on a quiet machine.`]
    : [];
  return [line, ...warn];
}

function renderLoadTables(results: SizeResult[]): string {
  const ingest = results.map((r) => isLarge(r)
    ? `| ${fmtInt(r.data.lines)} | not measured (large mode: ${largeBuildIngest(r.shandian.build)}) | ` +
      `${r.duckdb ? `${fmtInt(r.duckdb.linesPerSec)} lines/s (${ms(r.duckdb.ingestMs)}, file-backed, with checkpoint)` : NOT_RUN} | n/a |`
    : `| ${fmtInt(r.data.lines)} | ${fmtInt(r.shandian.linesPerSec)} lines/s (${ms(r.shandian.ingestMs)}) | ${fmtInt(r.duckdb.linesPerSec)} lines/s (${ms(r.duckdb.ingestMs)}) | ${ratio(r.duckdb.linesPerSec / r.shandian.linesPerSec)} |`);
  const memory = results.map((r, i) => {
    const n = r.data.lines;
    const fresh = perLine(freshDelta(r), n);
    const prev = results[i - 1];
    const marginal = prev
      ? `${((freshDelta(r).rss - freshDelta(prev).rss) / (n - prev.data.lines)).toFixed(0)} B`
      : '';
    const head = `| ${fmtInt(n)} | **${fresh.rss.toFixed(0)} B** (${mib(freshDelta(r).rss)}) | ${marginal} | ${fresh.heap.toFixed(0)} B | `;
    if (isLarge(r)) {
      const duck = r.duckdb ? `${(r.duckdb.memoryBytes / n).toFixed(0)} B (${mib(r.duckdb.memoryBytes)}; file-backed, memory_limit ${r.duckdb.memoryLimitRequested})` : NOT_RUN;
      return head + `${NOT_MEASURED} | ${NOT_MEASURED} | ${duck} |`;
    }
    const load = perLine(r.shandian.memoryAfterLoad, n);
    return head + `${load.heap.toFixed(0)} B | ${load.rss.toFixed(0)} B | ${(r.duckdb.memoryBytes / n).toFixed(0)} B (${mib(r.duckdb.memoryBytes)}) |`;
  });
  const open = results.map((r) => {
    if (isLarge(r)) {
      const firstP50 = r.scenarios.find((x) => x.id === r.shandian.firstQueryScenario)?.shandian.p50 ?? NaN;
      return `| ${fmtInt(r.data.lines)} | ${mib(r.shandian.diskBytes)} | ${NOT_MEASURED} | ${NOT_MEASURED} | ` +
        `${ms(r.shandian.firstQueryAfterOpenMs)} (${r.shandian.firstQueryScenario}; p50 ${ms(firstP50)}; after the fresh-process open) | ` +
        `${ms(r.shandian.open.openMs)} | ${NOT_MEASURED} |`;
    }
    const snap = r.shandian.diskFiles.some((f) => f.startsWith('snapshots'));
    return `| ${fmtInt(r.data.lines)} | ${mib(r.shandian.diskBytes)} | ${ms(r.shandian.closeMs)}${snap ? ' (wrote a snapshot)' : ''} | ${ms(r.shandian.reopenMs)} | ` +
      `${r.shandian.firstQueryAfterOpenMs !== undefined ? `${ms(r.shandian.firstQueryAfterOpenMs)} (${r.shandian.firstQueryScenario}; p50 ${ms(r.scenarios.find((x) => x.id === r.shandian.firstQueryScenario)?.shandian.p50 ?? NaN)})` : 'n/a'} | ` +
      `${ms(freshOpenMs(r))} | ${ms(r.shandian.replayMs)} (${mib(r.shandian.replayLogBytes)}: ${recoveryText(r.shandian.replayRecovery)}) |`;
  });
  return [
    '### Bulk ingest',
    '',
    '| lines | shandian `append` (durability none) | DuckDB appenders + final-state SQL | DuckDB / shandian |',
    '| ---: | ---: | ---: | ---: |',
    ...ingest,
    '',
    '### Resident memory per order line',
    '',
    '| lines | shandian store opened in a fresh process: RSS | same, marginal (per line added since the size above) | of which V8 heap | shandian after the append load: V8 heap | after the append load: RSS (upper bound) | DuckDB `duckdb_memory()` |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...memory,
    '',
    'The fresh-process figure includes fixed costs that do not grow with the data (for instance the engine\'s worker',
    'threads, if it starts them at open, and allocator slack), which dominate at small sizes; the marginal column is the',
    'cost of each further line.',
    '',
    '### Close and reopen (shandian)',
    '',
    '| lines | store on disk | `close()` | `Engine.open({ dir })` after close | first query after that open | `Engine.open` in a fresh process | `Engine.open` of an unclosed copy (as after kill -9) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...open,
    ...renderLargeTable(results.filter(isLarge)),
  ].join('\n');
}

/** Only when there are large-mode results: what that mode measures instead of ingest, replay and reopen. */
function renderLargeTable(large: LargeSizeResult[]): string[] {
  if (large.length === 0) return [];
  const gb = (b: number): string => (b / 2 ** 30).toFixed(b >= 10 * 2 ** 30 ? 1 : 2) + ' GiB';
  const rows = large.map((r) => {
    const s = r.shandian, d = r.duckdb, b = s.build;
    const build = b.measured === 'no'
      ? `not measured (\`--store\`) | not measured (\`--store\`)`
      : `${ms(b.wallMs)} = ${fmtInt(b.linesPerSec)} lines/s${builtHere(b) ? '' : ' (measured separately)'} | ${gb(b.peakRssBytes)}${builtHere(b) ? '' : ' (measured separately)'}`;
    const duck = d
      ? `${ms(d.ingestMs)} = ${fmtInt(d.linesPerSec)} lines/s (appenders ${ms(d.appendMs)}, SQL ${ms(d.finishMs)}, checkpoint ${ms(d.checkpointMs)}) | ` +
        `${gb(d.peakRssBytes)} | ${mib(d.fileBytes)} | ${d.memoryLimitRequested} (${d.memoryLimit}), ${d.threads} threads`
      : `${NOT_RUN} (engine only) | ${NOT_RUN} | ${NOT_RUN} | ${NOT_RUN}`;
    return `| ${fmtInt(r.data.lines)} | ${build} | ` +
      `${ms(s.open.openMs)} | ${s.open.bytesPerLine.toFixed(0)} B/line (${mib(s.open.delta.rss)}) | ${gb(s.queryPeakRssBytes)} | ` +
      `${duck} |`;
  });
  return [
    '',
    '### Large mode (`npm run bench:large`): separate processes, file-backed DuckDB',
    '',
    '| lines | shandian `gen --data` build | build peak RSS | `Engine.open` (fresh process) | RSS after open | query process peak RSS | DuckDB load | DuckDB process peak RSS | DuckDB file | DuckDB memory_limit, threads |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'Large mode runs each phase in its own process so sizes can be measured where the two engines cannot both hold the data',
    'in RAM: DuckDB loads the records into a database file under a memory limit (spilling to a temp directory in the work',
    'dir) and is timed, then `shandian gen --data` builds the store from the same generator (wall time of the process,',
    'record generation included), then a fresh process opens the store and times the same scenarios. The counts are',
    'checked scenario by scenario across the two processes. Peak RSS is each process\'s VmHWM. Not measured in this mode:',
    'the `append` ingest rate, the heap after an append load, `close()` and reopen of an appended store, and log replay.',
    ...(large.some(isEngineOnly) ? [
      '',
      'Sizes marked *engine only* (`--engine-only`) ran no DuckDB: the first process only generated the records (the data\'s',
      'fingerprint, the customer count and the SKU statistics the scenarios are picked from), so their counts are shandian\'s',
      'own and were **not** cross-checked; the store is still checked to hold the orders, lines and customers of that pass.',
    ] : []),
    ...(large.some((r) => !builtHere(r.shandian.build)) ? [
      '',
      'Where the build says `--store`, the store was built beforehand and given to the run, which did not time the build;',
      '"measured separately" figures were given on the command line (`--build-seconds`, `--build-peak-gib`), not measured by the run.',
    ] : []),
  ];
}

/** The shandian cell of the bulk ingest table for a large-mode size. */
function largeBuildIngest(b: LargeBuild): string {
  if (b.measured === 'no') return 'an existing store given with `--store`, its build not measured';
  if (b.measured === 'separately') return `built beforehand by \`gen --data\`, ${fmtInt(b.linesPerSec)} lines/s measured separately, see below`;
  return `built by \`gen --data\`, ${fmtInt(b.linesPerSec)} lines/s, see below`;
}

function renderScenarioDefs(r: SizeResult): string {
  return r.scenarios.map((s) => [
    `### ${s.id}`,
    '',
    s.title + '.',
    '',
    '<details><summary>shandian XML and DuckDB SQL</summary>',
    '',
    '```xml',
    s.xml,
    '```',
    '',
    '```sql',
    s.sql,
    '```',
    '',
    '</details>',
    '',
  ].join('\n')).join('\n');
}

function largeBullet(r: LargeSizeResult): string {
  const others = (t: { othersPct?: number } | undefined, during: string): string =>
    t?.othersPct === undefined ? '' : `; other processes took ${t.othersPct.toFixed(0)}% of the CPU during ${during}`;
  const store = builtHere(r.shandian.build) ? 'the store built by `gen --data`' : 'the store given with `--store`';
  const duck = r.duckdb
    ? `DuckDB load: appenders ${ms(r.duckdb.appendMs)} + final-state SQL ${ms(r.duckdb.finishMs)} + checkpoint ${ms(r.duckdb.checkpointMs)} ` +
      `(the whole phase with record generation: ${ms(r.duckdb.loadWallMs)})` + others(r.noise.duckdbLoad, 'the DuckDB load')
    : `DuckDB not run (engine only); the generator pass took ${r.statsPass ? ms(r.statsPass.wallMs) : 'an unrecorded time'}` + others(r.noise.statsPass, 'the generator pass');
  return `- ${fmtInt(r.data.lines)} lines (large mode${isEngineOnly(r) ? ', engine only' : ''}): ${store} held ${r.shandian.diskFiles.join(', ')}. ` +
    duck + others(r.noise.build, 'the build') + '.';
}

export function renderMarkdown(results: SizeResult[], svgFile: string | undefined): string {
  const largest = results[results.length - 1]!;
  const anyLarge = results.some(isLarge);
  const appendLargest = results.filter((r): r is AppendSizeResult => !isLarge(r)).pop();
  const machines = [...new Set(results.map((r) => machineLine(r.machine)))];
  const sources = [...new Set(results.map((r) => r.engineSource))];
  const commands = results.map((r) => `${r.command}`);
  const anyEngineOnly = results.some(isEngineOnly);
  // only the sizes and scenarios both engines ran
  const allSpeedups = results.flatMap((r) => speedups(r.scenarios));
  const summaryRows = results.map((r) => {
    const sh = geomean(r.scenarios.map((s) => s.shandian.p50));
    const label = `${sizeLabel(r.requestedLines)} (${fmtInt(r.data.lines)})${isLarge(r) ? ', large mode' : ''}`;
    const sp = speedups(r.scenarios);
    if (sp.length === 0) return `| ${label}, engine only | ${ms(sh)} | ${NOT_RUN} | n/a | n/a |`;
    const dk = geomean(r.scenarios.filter(compared).map((s) => s.duckdb.p50));
    return `| ${label} | ${ms(sh)} | ${ms(dk)} | ${ratio(geomean(sp))} | ${ratio(Math.min(...sp))} to ${ratio(Math.max(...sp))} |`;
  });
  const duckRuns = results.flatMap((r) => (r.duckdb ? [r.duckdb] : []));
  const shards = [...new Set(results.map((r) => r.shandian.shards))].join('/');
  const threads = [...new Set(duckRuns.map((d) => d.threads))].join('/') || 'n/a';
  const duckVersions = [...new Set(duckRuns.map((d) => d.version))].join(', ') || '(not run)';
  // the sentence it goes into is about the append load
  const appendResults = results.filter((r) => !isLarge(r));
  const gcMethods = [...new Set((appendResults.length ? appendResults : results).map((r) => r.gcMethod))].join('; ');

  return [
    '<!-- GENERATED FILE: written by `npm run bench` (bench/standard/report.ts) from bench/results/*.json. Do not edit by hand; re-run the benchmark instead. -->',
    '',
    '# Benchmarks: shandian side by side with DuckDB',
    '',
    '> This page is generated by `npm run bench`. Every number below was measured; nothing is edited by hand.',
    '',
    'The same synthetic order data (the project generator, seed 1) is loaded into shandian and into an in-memory DuckDB,',
    'eight CRM segments are asked of both, the counts are checked to be identical (the benchmark exits with an error',
    'otherwise), and then each query is timed on both engines in the same process and the same run.',
    ...(anyLarge ? [
      'Sizes marked *large mode* were measured by `npm run bench:large` instead: each engine in its own process, DuckDB',
      'file-backed under a memory limit, the shandian store built by `shandian gen --data` (see "Large mode" below).',
    ] : []),
    ...(anyEngineOnly ? [
      '**Sizes marked *engine only* were measured on shandian alone** (`npm run bench:large -- --engine-only`): DuckDB was not',
      'run there, so their counts were NOT cross-checked against DuckDB and they have no speedup.',
    ] : []),
    '',
    '## Summary',
    '',
    '| lines | shandian p50 (geomean over scenarios) | DuckDB p50 (geomean) | speedup (geomean) | speedup range |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...summaryRows,
    '',
    !anyEngineOnly
      ? `Speedup = DuckDB p50 / shandian p50 per scenario; above 1x shandian is faster. Over all sizes and scenarios the geometric mean is ${ratio(geomean(allSpeedups))}.`
      : `Speedup = DuckDB p50 / shandian p50 per scenario; above 1x shandian is faster. ` +
        (allSpeedups.length
          ? `Over all sizes and scenarios both engines ran (engine-only sizes left out) the geometric mean is ${ratio(geomean(allSpeedups))}.`
          : 'No size was measured on both engines, so there is no overall speedup.'),
    '',
    ...(svgFile ? [`![p50 latency vs data size](${svgFile})`, ''] : ['(A latency-vs-size chart appears here once results for two or more sizes exist.)', '']),
    '## Machine',
    '',
    ...machines.map((m) => `- ${m}`),
    ...(machines.length > 1 ? ['', '**Note:** these results come from different machines; compare sizes with care.'] : []),
    ...(sources.length > 1 ? ['', `**Note:** the sizes were measured on different versions of the engine's sources (${results.map((r) => `${sizeLabel(r.requestedLines)}: ${r.engineSource}`).join(', ')}).`] : []),
    '',
    '## How to reproduce',
    '',
    '```sh',
    'npm install',
    ...commands,
    '```',
    '',
    'Each run writes `bench/results/<lines>.json` and regenerates this page from every result file there, so runs at',
    'different sizes accumulate into one report (`npm run bench -- --report-only` only regenerates it). Options:',
    '`--lines N` (about N / 1.46 orders are generated), `--runs R` (minimum timed runs per scenario and engine, default 30),',
    '`--time MS` (minimum timed milliseconds, default 500), `--warmup W` (default 3), `--out FILE` (default docs/benchmarks.md).',
    ...(anyLarge ? [
      '`npm run bench:large -- --lines N` writes the same file for sizes where both engines cannot share the RAM',
      '(`--help` lists its options: `--duck-memory GB`, `--keep DIR`, ...).',
    ] : []),
    '',
    '## What is measured',
    '',
    '- **Data**: `generate({ orders: round(lines / 1.46), seed: 1 })` from `src/gen` (about 1.46 lines per order; customers = orders / 8;',
    '  one year of orders, 2025-12-01 to 2026-11-30, with Double-11 and 618 peaks; about 3% of orders refunded, 0.6% at ingest).',
    '  Both engines get the same contract-shaped raw records in the same order; each side runs the deterministic generator',
    '  afresh and the two passes are checked to agree (record counts and a content hash).',
    `- **shandian** ${results.map((r) => r.shandian.version)[0]}: \`Engine.open({ dir: <temp dir>, durability: 'none' })\` with every other option at the engine's default (${shards} shards; query worker threads as the engine's version decides),`,
    `  \`engine.append(batch)\` with batches of ${fmtInt(appendLargest?.shandian.batchRecords ?? BATCH_RECORDS)} records; queries with \`engine.query(xml, { asOf, tz })\` then \`.count\`,`,
    '  timed on a store closed and reopened from disk (so the timed store is the one `Engine.open` rebuilds).',
    `- **DuckDB** ${duckVersions} (\`@duckdb/node-api\`): \`DuckDBInstance.create(':memory:')\`, default settings (${threads} threads, all cores), loaded with appenders into`,
    '  `orders(order_id, customer_id, ts BIGINT epoch s, shop, alive)`, `lines(order_id, sku, category, amount_cents)`, then refunds',
    '  applied (`alive = false`), attributes and tags reduced to their final state (`attrs`, `tags`) and the universe of known',
    '  customers built (`customers`), all inside the timed ingest. Queries run as SQL text through `connection.runAndReadAll`',
    '  and return `count(DISTINCT customer_id)`; parse and plan time is included on both sides.',
    `- **Time**: every query uses asOf \`${largest.asOf}\` and zone \`${largest.tz}\`. For SQL the window bounds are computed in`,
    '  TypeScript (inclusive epoch seconds; date-only bounds are whole days in Asia/Shanghai; `last="Nd"` is',
    '  asOf - N days < ts <= asOf) without engine code, so the count check also checks the engine\'s window arithmetic.',
    '- **Ingest** counts only the time inside `engine.append` (shandian) or inside the appenders plus the final-state SQL',
    '  (DuckDB, including converting timestamps and decimal amounts); generating the records is not counted for either.',
    `- **Memory**: the resident size of the store is measured by opening the closed store in a fresh Node process`,
    '  (`bench/standard/open-probe.ts`): RSS after `Engine.open({ dir })` minus RSS before it, both after full GCs, per order line.',
    '  RSS is the figure that counts here: shandian keeps its columns in SharedArrayBuffers, which `process.memoryUsage()`',
    '  reports in neither `heapUsed` nor `external`, and its bitmaps are native (roaring) memory. The V8 heap part is shown',
    `  too. In the benchmark process itself the heap growth over the append load is also shown (${gcMethods}), with the RSS`,
    '  growth as an upper bound only (it keeps the allocator high-water of ingest garbage). DuckDB: `sum(memory_usage_bytes)',
    '  FROM duckdb_memory()` after the load, which is its buffer-managed memory.',
    '- **Reopen**: `engine.close()` (the engine may write a snapshot then) and `Engine.open({ dir })` of the same directory,',
    '  wall time; the timed queries run on this reopened store. Also `Engine.open` of a copy of the store directory taken',
    '  before `close()` with its `LOCK` removed, which is what a restart after kill -9 finds: the log, replayed. Both reopened',
    '  stores are checked to give the same counts as the store that was built by appending.',
    ...(anyLarge ? [
      '- **Large mode** (`npm run bench:large`, bench/large/large.ts): one child process per phase, each with a clean heap. (1) DuckDB',
      '  in a database file with `SET memory_limit`, `SET threads` and a temp directory for spills, loaded through the same',
      '  appenders and final-state SQL plus a `CHECKPOINT`, counted and timed; (2) `shandian gen --data` builds the store from',
      '  the same generator and seed (checked to hold the same orders, lines and customers); (3) `Engine.open({ dir })` in a',
      '  fresh process (RSS before and after, after full GCs, as `bench/standard/open-probe.ts`), counted and timed with the same',
      '  tinybench options. The counts of the two processes are compared scenario by scenario (exit 1 on any difference).',
    ] : []),
    ...(anyEngineOnly ? [
      '- **Engine only** (`npm run bench:large -- --engine-only`): as large mode without DuckDB. Phase (1) only generates the',
      '  records (the same pass the DuckDB phase makes: fingerprint, distinct customers, SKU statistics); the counts are',
      '  shandian\'s alone and NOT cross-checked; the store is checked to hold the orders, lines and customers of that pass.',
    ] : []),
    '',
    ...results.flatMap((r) => [renderSize(r), '']),
    '## Ingest, memory and reopen',
    '',
    renderLoadTables(results),
    '',
    ...results.map((r) => isLarge(r) ? largeBullet(r) : `- ${fmtInt(r.data.lines)} lines: the closed store held ${r.shandian.diskFiles.join(', ')}; ` +
      `the unclosed copy held ${r.shandian.replayFiles.join(', ')}` +
      (r.shandian.replayFiles.some((f) => f.startsWith('snapshots')) ? ' (the engine wrote an automatic snapshot during the append load; its time is inside the ingest figure, or the close figure if still queued)' : '') +
      `. DuckDB load: appenders ${ms(r.duckdb.appendMs)} + final-state SQL ${ms(r.duckdb.finishMs)}` +
      (r.noise?.shandianIngest.othersPct !== undefined ? `; other processes took ${r.noise.shandianIngest.othersPct.toFixed(0)}% of the CPU during the shandian load.` : '.')),
    '',
    '## Scenarios',
    '',
    `SKU names depend on the data size (the catalog grows with the data; SKUs are picked by sales rank in the data measured).`,
    `The definitions below are the ones used at ${fmtInt(largest.data.lines)} lines; every result file holds its own.`,
    '',
    renderScenarioDefs(largest),
    '## Caveats',
    '',
    '- Both engines run in one Node process on the same machine, each with its default parallelism (DuckDB: its own thread',
    '  pool over all cores; shandian: its default shards and, in versions that have them, query worker threads). Neither',
    '  engine was tuned beyond its defaults. The first query after an open is not in the timings; it is reported with the reopen figures.',
    '- The SQL is written plainly (joins, `GROUP BY ... HAVING`, `INTERSECT`/`EXCEPT`); per-order pre-aggregation instead of',
    '  `count(DISTINCT order_id)` was tried at 1M lines for the amount thresholds and did not change the picture.',
    '- The DuckDB schema is the plain normalised one above with string keys (no surrogate integer ids, no',
    '  pre-joined table); a schema designed for these queries would make DuckDB faster.',
    '- shandian answers from memory built at open; DuckDB here is also in memory (`:memory:`), not reading files.',
    '- p99 over a few dozen runs is close to the slowest run, and includes GC pauses (shandian) as they happen.',
    ...(anyLarge ? [
      '- Large mode: the engines run in separate processes one after the other, DuckDB reading a database file under its memory',
      '  limit (and the page cache) instead of `:memory:`, with the thread count shown; its timings are not interleaved with',
      '  shandian\'s, so noise on the machine can favour either side.',
    ] : []),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- SVG chart

const COLORS = { shandian: '#d9480f', duckdb: '#1864ab' } as const;

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function niceTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

function tickLabel(v: number, unit: 'ms' | 'lines'): string {
  if (unit === 'lines') return sizeLabel(v);
  if (v >= 1000) return `${v / 1000} s`;
  return `${Number(v.toPrecision(3))} ms`;
}

/** p50 latency vs data size, log-log: one faint line per scenario and engine, a bold geometric mean per engine. */
export function renderSvg(results: SizeResult[]): string {
  const W = 860, H = 480;
  const m = { left: 70, right: 240, top: 50, bottom: 55 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const xs = results.map((r) => r.requestedLines);
  // an --engine-only size has no DuckDB points: only shandian's are plotted there
  const all = results.flatMap((r) => r.scenarios.flatMap((s) => (s.duckdb ? [s.shandian.p50, s.duckdb.p50] : [s.shandian.p50])));
  const xlo = Math.min(...xs) / 1.25, xhi = Math.max(...xs) * 1.25;
  const ylo = 10 ** Math.floor(Math.log10(Math.min(...all))), yhi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const X = (v: number): number => m.left + ((Math.log(v) - Math.log(xlo)) / (Math.log(xhi) - Math.log(xlo))) * pw;
  const Y = (v: number): number => m.top + ph - ((Math.log(v) - Math.log(ylo)) / (Math.log(yhi) - Math.log(ylo))) * ph;
  const pts = (vals: Array<[number, number]>): string => vals.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ');

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${m.left}" y="24" font-size="15" font-weight="600" fill="#212529">p50 query latency vs data size (log-log), 8 CRM segments</text>`);
  parts.push(`<text x="${m.left}" y="40" fill="#495057">thin: one scenario; bold: geometric mean over scenarios. Lower is better.</text>`);
  // grid and ticks
  for (const t of niceTicks(ylo, yhi)) {
    const y = Y(t).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="#e9ecef"/>`);
    parts.push(`<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#495057">${esc(tickLabel(t, 'ms'))}</text>`);
  }
  for (const x of xs) {
    const px = X(x).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${m.top}" y2="${m.top + ph}" stroke="#e9ecef"/>`);
    parts.push(`<text x="${px}" y="${m.top + ph + 18}" text-anchor="middle" fill="#495057">${esc(tickLabel(x, 'lines'))}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#adb5bd"/>`);
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle" fill="#212529">order lines</text>`);
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#212529">p50 latency</text>`);

  const ids = results[0]!.scenarios.map((s) => s.id);
  for (const engine of ['duckdb', 'shandian'] as const) {
    const color = COLORS[engine];
    for (const id of ids) {
      const series: Array<[number, number]> = [];
      for (const r of results) {
        const p50 = r.scenarios.find((x) => x.id === id)?.[engine]?.p50;
        if (p50 !== undefined) series.push([r.requestedLines, p50]);
      }
      if (series.length === 0) continue;
      parts.push(`<polyline points="${pts(series)}" fill="none" stroke="${color}" stroke-opacity="0.3" stroke-width="1.2"><title>${esc(`${engine} ${id}`)}</title></polyline>`);
    }
    const gm: Array<[number, number]> = results.flatMap((r): Array<[number, number]> => {
      const p50s = r.scenarios.flatMap((s) => (s[engine] ? [s[engine].p50] : []));
      return p50s.length ? [[r.requestedLines, geomean(p50s)]] : [];
    });
    if (gm.length) parts.push(`<polyline points="${pts(gm)}" fill="none" stroke="${color}" stroke-width="3"/>`);
    for (const [x, y] of gm) {
      parts.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="4" fill="${color}"><title>${esc(`${engine}: ${tickLabel(x, 'lines')} lines, geomean p50 ${ms(y)}`)}</title></circle>`);
    }
  }
  // legend
  const lx = m.left + pw + 20;
  let ly = m.top + 10;
  const duckLabel = results.some(isLarge) ? 'DuckDB (in-memory; large: file)' : 'DuckDB (in-memory)';
  for (const [engine, label] of [['shandian', 'shandian'], ['duckdb', duckLabel]] as const) {
    parts.push(`<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="${COLORS[engine]}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 36}" y="${ly}" dominant-baseline="middle" fill="#212529">${esc(label)}</text>`);
    ly += 22;
  }
  ly += 10;
  parts.push(`<text x="${lx}" y="${ly}" fill="#495057">geomean p50, shandian vs DuckDB:</text>`);
  for (const r of results) {
    ly += 18;
    const sh = geomean(r.scenarios.map((s) => s.shandian.p50));
    const duck = r.scenarios.filter(compared);
    const dk = duck.length ? ` vs ${ms(geomean(duck.map((s) => s.duckdb.p50)))}` : ' (DuckDB not run)';
    parts.push(`<text x="${lx}" y="${ly}" fill="#495057">${esc(`${sizeLabel(r.requestedLines)}: ${ms(sh)}${dk}`)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Writes the report (and the chart when there are 2+ sizes); returns the files written. */
export function writeReport(resultsDir: string, out: string): string[] {
  const results = readResults(resultsDir);
  if (results.length === 0) throw new Error(`no results in ${resultsDir}: run npm run bench -- --lines N first`);
  const svgPath = path.join(path.dirname(out), path.basename(out, path.extname(out)) + '-latency.svg');
  const written: string[] = [];
  let svgRef: string | undefined;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  if (results.length >= 2) {
    fs.writeFileSync(svgPath, renderSvg(results));
    svgRef = path.basename(svgPath);
    written.push(svgPath);
  }
  let markdown = renderMarkdown(results, svgRef);
  // sections written elsewhere, kept here: the ClickHouse one by `npm run bench:cluster` (bench/cluster/cluster.ts),
  // the 300M portraits and the live segments by hand from their own benchmarks' runs (bench/portrait, bench/live)
  for (const section of [
    path.join(path.dirname(resultsDir), 'results-cluster', 'section.md'),
    path.join(resultsDir, 'portrait-section.md'),
    path.join(resultsDir, 'live-section.md'),
  ]) {
    if (fs.existsSync(section)) markdown = markdown.trimEnd() + '\n\n' + fs.readFileSync(section, 'utf8');
  }
  fs.writeFileSync(out, markdown);
  written.unshift(out);
  return written;
}
