/**
 * `npm run bench:foreign -- --input FILE [--input FILE2 ...] --queries DIR [--as-of ISO] [--tz ZONE] [--runs R]`
 *
 * The outside reviewer's check, run on any data and queries: loads record
 * files (NDJSON, CSV, Arrow IPC, as the contract defines them) into a
 * shandian Engine (temp dir, durability 'none', skipping bad records) and,
 * through an independent reader (bench/foreign/foreign-records.ts), into an
 * in-memory DuckDB with the tables of test/oracle/duckdb.ts. Every `*.xml` in
 * DIR is one segment: it runs on shandian as written and on DuckDB as SQL
 * from the test oracle (test/oracle/xml-query.ts reads it, sql.ts translates it). Counts must be
 * identical; both sides are timed with tinybench; the verdict is three
 * PASS/FAIL lines: identical counts, geometric-mean speedup (DuckDB p50 /
 * shandian p50) >= 20x, every shandian p99 <= 50 ms. Exit 1 on any FAIL.
 *
 * Options:
 *   --input FILE     a record file (repeatable; applied in the order given)
 *   --queries DIR    a directory of *.xml segments (one segment per file)
 *   --as-of ISO      asOf for segments without their own (default: now, fixed at start)
 *   --tz ZONE        zone for date-only bounds of segments without their own tz, the
 *                    engine's configured zone, and (as `shandian ingest --tz`) the zone of
 *                    timestamps written without an offset
 *   --runs R         at least R timed runs per query and engine (default 30)
 *   --time MS        and at least MS milliseconds of them (default 300)
 *   --warmup W       untimed runs first (default 3)
 *   --json OUT       write the results as JSON
 *   --keep           keep the temporary store directory
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Bench, type Task } from 'tinybench';
import { Engine, ingestFile } from '../../src/index.js';
import { DuckPeer } from '../../test/oracle/duckdb.js';
import { emptyStats, formatOf, independentBatches, type ReadStats } from './foreign-records.js';
import type { ParsedSegment } from '../../test/oracle/query-tree.js';
import { translateSegment, type Translation } from '../../test/oracle/sql.js';
import { parseInstant } from '../../test/oracle/time.js';
import { parseQuery, refsOf } from '../../test/oracle/xml-query.js';

const GEOMEAN_MIN = 20;
const P99_MAX_MS = 50;

class Failure extends Error {}

const log = (msg: string): void => void process.stderr.write(`[foreign] ${msg}\n`);
const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const secs = (ms: number): string => (ms / 1000).toFixed(1) + 's';

interface Options {
  inputs: string[];
  queriesDir: string;
  asOfMs: number;
  asOfGiven: boolean;
  tz?: string;
  runs: number;
  timeMs: number;
  warmup: number;
  json?: string;
  keep: boolean;
}

function parseCli(): Options {
  const { values } = parseArgs({
    options: {
      input: { type: 'string', multiple: true },
      queries: { type: 'string' },
      'as-of': { type: 'string' },
      tz: { type: 'string' },
      runs: { type: 'string', default: '30' },
      time: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '3' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(fs.readFileSync(new URL(import.meta.url)).toString().split('*/')[0]!.replace(/^\/\*\*\n|^ \* ?/gm, ''));
    process.exit(0);
  }
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < min) throw new Failure(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  if (!values.input?.length) throw new Failure('give at least one --input FILE (see --help)');
  if (!values.queries) throw new Failure('give --queries DIR (see --help)');
  for (const f of values.input) {
    if (!fs.existsSync(f)) throw new Failure(`no such input file: ${f}`);
    formatOf(f);
  }
  let asOfMs = Date.now();
  const asOf = values['as-of'];
  if (asOf !== undefined) {
    const ms = /^-?[0-9]+$/.test(asOf) ? Number(asOf) : parseInstant(asOf);
    if (ms === undefined) throw new Failure(`--as-of ${asOf} is not a date-time with offset (or epoch ms)`);
    asOfMs = ms;
  }
  return {
    inputs: values.input,
    queriesDir: values.queries,
    asOfMs,
    asOfGiven: asOf !== undefined,
    ...(values.tz !== undefined ? { tz: values.tz } : {}),
    runs: int('runs', values.runs!, 1),
    timeMs: int('time', values.time!, 0),
    warmup: int('warmup', values.warmup!, 0),
    ...(values.json !== undefined ? { json: values.json } : {}),
    keep: values.keep!,
  };
}

interface Query {
  id: string;
  file: string;
  xml: string;
  seg?: ParsedSegment;
  sql?: Translation;
  error?: string;
  shandianCount?: number;
  duckCount?: number;
  shandian?: Latency;
  duckdb?: Latency;
  onlyShandian?: string[];
  onlyDuckdb?: string[];
}

interface Latency {
  p50: number;
  p99: number;
  mean: number;
  samples: number;
}

function latency(task: Task | undefined): Latency | undefined {
  const r = task?.result;
  if (!r || r.state !== 'completed') return undefined;
  return { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.mean, samples: r.latency.samplesCount };
}

function errText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && !e.message.startsWith(code) ? `${code}: ${e.message}` : e.message;
}

function loadQueries(dir: string): Query[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Failure(`--queries ${dir} is not a directory`);
  const files = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.xml')).sort();
  if (files.length === 0) throw new Failure(`no *.xml files in ${dir}`);
  return files.map((f) => {
    const file = path.join(dir, f);
    const xml = fs.readFileSync(file, 'utf8');
    const q: Query = { id: f.replace(/\.xml$/i, ''), file, xml };
    try {
      q.seg = parseQuery(xml);
    } catch (e) {
      q.error = `translator: ${errText(e)}`;
    }
    return q;
  });
}

async function main(): Promise<number> {
  const opts = parseCli();
  const queries = loadQueries(opts.queriesDir);
  log(`${queries.length} segments in ${opts.queriesDir}; asOf ${new Date(opts.asOfMs).toISOString()}${opts.asOfGiven ? '' : ' (now: no --as-of given)'}; tz ${opts.tz ?? 'UTC (default)'}`);
  log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${os.loadavg()[0]!.toFixed(2)}; node ${process.version}`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-foreign-'));
  const storeDir = path.join(tmp, 'store');
  let engine: Engine | undefined;
  let peer: DuckPeer | undefined;
  try {
    // ---- shandian: the engine's own file ingest, bad records skipped and remembered by file and line
    engine = await Engine.open({ dir: storeDir, durability: 'none', ...(opts.tz ? { tz: opts.tz } : {}) });
    const rejected = new Map<string, Set<number>>();
    const rejectedSamples: string[] = [];
    let rejectedTotal = 0;
    let t0 = performance.now();
    for (const file of opts.inputs) {
      const report = await ingestFile(engine, file, {
        skipBad: true,
        ...(opts.tz ? { tz: opts.tz } : {}),
        onSkip: (e) => {
          rejectedTotal++;
          const f = e.where.file ?? file;
          const line = e.where.line ?? 0;
          let set = rejected.get(f);
          if (!set) rejected.set(f, (set = new Set()));
          set.add(line);
          if (rejectedSamples.length < 10) rejectedSamples.push(`${f}:${line}: ${e.message}`);
        },
      });
      log(`shandian ingest ${file}: ${fmtInt(report.records)} records in ${secs(report.elapsedMs)}${report.skipped ? `, ${report.skipped} SKIPPED` : ''}`);
    }
    const ingestMs = performance.now() - t0;
    const size = engine.size;
    log(`shandian: ${fmtInt(size.lines)} lines, ${fmtInt(size.orders)} orders, ${fmtInt(size.customers)} customers, ${size.shards} shards; ingest ${secs(ingestMs)}`);
    if (rejectedTotal > 0) {
      process.stderr.write(`\n!!!!! THE ENGINE REJECTED ${rejectedTotal} RECORD(S) as bad; they are left out of DuckDB too. First ones:\n` +
        rejectedSamples.map((s) => `!!!!!   ${s}\n`).join('') + '\n');
    }

    // ---- DuckDB: the same files through the independent reader, minus what the engine rejected
    peer = await DuckPeer.create();
    const stats: ReadStats = emptyStats();
    t0 = performance.now();
    const duckLoad = await peer.load(independentBatches(opts.inputs, { engineRejected: rejected, ...(opts.tz ? { tz: opts.tz } : {}) }, stats));
    const duckReadMs = performance.now() - t0;
    const duck = {
      orders: Number(await peer.scalar('SELECT count(*) FROM orders')),
      lines: Number(await peer.scalar('SELECT count(*) FROM lines')),
      customers: Number(await peer.scalar('SELECT count(*) FROM customers')),
      threads: Number(await peer.scalar(`SELECT current_setting('threads')`)),
      version: String(await peer.scalar('SELECT version()')),
    };
    log(`DuckDB ${duck.version} (${duck.threads} threads): ${fmtInt(duck.lines)} lines, ${fmtInt(duck.orders)} orders, ${fmtInt(duck.customers)} customers; ` +
      `read + load ${secs(duckReadMs)} (of which DuckDB ${secs(duckLoad.ingestMs)})`);
    log(`independent reader: ${fmtInt(stats.records)} records (${fmtInt(stats.orders)} orders, ${fmtInt(stats.refunds)} refunds, ` +
      `${fmtInt(stats.customerRecords)} customer records, ${fmtInt(stats.tagEvents)} tag events); ${fmtInt(stats.excluded)} left out as the engine rejected them`);

    const dataProblems: string[] = [];
    if (stats.excluded !== rejectedTotal) {
      dataProblems.push(`the engine rejected ${rejectedTotal} records but only ${stats.excluded} of them were matched to records read here (by file and line)`);
    }
    if (stats.hereOnly.length) {
      dataProblems.push(`${stats.hereOnly.length} record(s) the engine ACCEPTED are invalid to the independent reader (left out of DuckDB), e.g.\n` +
        stats.hereOnly.slice(0, 10).map((d) => `      ${d.file}:${d.line}: ${d.reason}`).join('\n'));
    }
    if (stats.engineOnly.length) {
      dataProblems.push(`${stats.engineOnly.length} record(s) the engine rejected look valid to the independent reader, e.g.\n` +
        stats.engineOnly.slice(0, 10).map((d) => `      ${d.file}:${d.line}`).join('\n'));
    }
    for (const [k, a, b] of [['orders', size.orders, duck.orders], ['lines', size.lines, duck.lines], ['customers', size.customers, duck.customers]] as const) {
      if (a !== b) dataProblems.push(`shandian holds ${fmtInt(a)} ${k}, DuckDB ${fmtInt(b)}`);
    }
    if (dataProblems.length) {
      process.stderr.write(`\n!!!!! THE TWO SIDES DID NOT LOAD THE SAME DATA:\n${dataProblems.map((p) => `!!!!!   ${p}\n`).join('')}\n`);
    }

    // ---- saved segments for <ref>: every file by its segment name and by its file name
    const byName = new Map<string, Query>();
    for (const q of queries) {
      byName.set(q.id, q);
      if (q.seg?.name !== undefined && !byName.has(q.seg.name)) byName.set(q.seg.name, q);
    }
    for (const q of queries) if (q.seg?.name !== undefined) byName.set(q.seg.name, q);
    const saved = new Set<string>();
    const saveRefs = async (seg: ParsedSegment, stack: string[]): Promise<void> => {
      for (const name of refsOf(seg)) {
        if (saved.has(name)) continue;
        const target = byName.get(name);
        if (!target?.seg) continue; // the translator reports it
        if (stack.includes(name)) continue; // a cycle: both sides report it
        await saveRefs(target.seg, [...stack, name]);
        await engine!.save(name, target.xml);
        saved.add(name);
      }
    };
    for (const q of queries) {
      if (!q.seg) continue;
      try {
        await saveRefs(q.seg, []);
        q.sql = translateSegment(q.seg, {
          asOfMs: opts.asOfMs,
          ...(opts.tz ? { tz: opts.tz } : {}),
          resolveRef: (name) => byName.get(name)?.xml,
        });
      } catch (e) {
        q.error = `translator: ${errText(e)}`;
      }
    }
    if (saved.size) log(`saved ${saved.size} segment(s) for <ref>: ${[...saved].join(', ')}`);

    // ---- counts
    const qopts = { asOf: opts.asOfMs, ...(opts.tz ? { tz: opts.tz } : {}) };
    for (const q of queries) {
      if (!q.sql) {
        // what the engine makes of a segment the translator refuses
        try {
          const n = (await engine.query(q.xml, qopts)).count;
          q.error += `; the engine ACCEPTS it (${n} customers)`;
        } catch (e) {
          q.error += `; the engine refuses it too (${errText(e).split('\n')[0]})`;
        }
        log(`  ${q.id}: ERROR ${q.error}`);
        continue;
      }
      try {
        const seg = await engine.query(q.xml, qopts);
        q.shandianCount = seg.count;
        q.duckCount = await peer.count(q.sql.countSql);
        if (q.shandianCount !== q.duckCount) {
          const mine = new Set(seg.idsSync());
          const theirs = new Set(await peer.members(q.sql.membersSql));
          q.onlyShandian = [...mine].filter((id) => !theirs.has(id));
          q.onlyDuckdb = [...theirs].filter((id) => !mine.has(id));
        }
        log(`  ${q.id.padEnd(28)} shandian ${fmtInt(q.shandianCount).padStart(9)}  DuckDB ${fmtInt(q.duckCount).padStart(9)}` +
          `${q.shandianCount === q.duckCount ? '' : '   <<< MISMATCH'}${q.duckCount === 0 ? '   (empty)' : ''}`);
      } catch (e) {
        q.error = errText(e);
        log(`  ${q.id}: ERROR ${q.error}`);
      }
    }

    // ---- timings
    const timed = queries.filter((q) => q.shandianCount !== undefined && q.duckCount !== undefined);
    const bench = new Bench({ iterations: opts.runs, time: opts.timeMs, warmup: opts.warmup > 0, warmupIterations: opts.warmup, warmupTime: 0, throws: true });
    for (const q of timed) {
      const sql = q.sql!.countSql;
      bench.add(`shandian/${q.id}`, async () => {
        const n = (await engine!.query(q.xml, qopts)).count;
        if (n !== q.shandianCount) throw new Failure(`shandian/${q.id} returned ${n} during timing, ${q.shandianCount} before`);
      });
      bench.add(`duckdb/${q.id}`, async () => {
        const n = await peer!.count(sql);
        if (n !== q.duckCount) throw new Failure(`duckdb/${q.id} returned ${n} during timing, ${q.duckCount} before`);
      });
    }
    bench.addEventListener('cycle', (e) => {
      const task = (e as unknown as { task?: Task }).task;
      if (task?.result.state === 'completed') {
        log(`  ${task.name.padEnd(36)} p50 ${task.result.latency.p50.toFixed(2).padStart(9)} ms  p99 ${task.result.latency.p99.toFixed(2).padStart(9)} ms  (${task.result.latency.samplesCount} runs)`);
      }
    });
    log(`timing ${timed.length} segments x 2 engines (>= ${opts.runs} runs and >= ${opts.timeMs} ms each, ${opts.warmup} warmup runs)`);
    const load0 = os.loadavg()[0]!;
    await bench.run();
    for (const q of timed) {
      q.shandian = latency(bench.getTask(`shandian/${q.id}`));
      q.duckdb = latency(bench.getTask(`duckdb/${q.id}`));
    }

    // ---- report
    const verdict = report(queries, dataProblems);
    if (opts.json) {
      fs.mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
      fs.writeFileSync(opts.json, JSON.stringify({
        measuredAt: new Date().toISOString(),
        command: `npm run bench:foreign -- ${process.argv.slice(2).join(' ')}`,
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, ramBytes: os.totalmem(), node: process.version, loadAvgBefore: load0, loadAvgAfter: os.loadavg()[0] },
        inputs: opts.inputs,
        asOf: new Date(opts.asOfMs).toISOString(),
        tz: opts.tz ?? null,
        rejectedByEngine: rejectedTotal,
        rejectedSamples,
        dataProblems,
        shandian: { ...size, ingestMs },
        duckdb: { ...duck, loadMs: duckLoad.ingestMs },
        bench: { minRuns: opts.runs, minTimeMs: opts.timeMs, warmupRuns: opts.warmup },
        queries: queries.map((q) => ({
          id: q.id, file: q.file, error: q.error ?? null, shandianCount: q.shandianCount ?? null, duckdbCount: q.duckCount ?? null,
          shandian: q.shandian ?? null, duckdb: q.duckdb ?? null,
          ratio: q.shandian && q.duckdb ? q.duckdb.p50 / q.shandian.p50 : null,
          onlyShandian: q.onlyShandian?.slice(0, 100) ?? null, onlyDuckdb: q.onlyDuckdb?.slice(0, 100) ?? null,
          sql: q.sql?.countSql ?? null,
        })),
        verdict,
      }, null, 2) + '\n');
      log(`wrote ${opts.json}`);
    }
    return verdict.pass ? 0 : 1;
  } finally {
    if (engine) await engine.close();
    peer?.close();
    if (opts.keep) log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function report(queries: Query[], dataProblems: string[]) {
  const out: string[] = [];
  const w = Math.max(8, ...queries.map((q) => q.id.length));
  const num = (n: number | undefined, d = 2): string => (n === undefined ? '-' : n.toFixed(d));
  out.push('');
  out.push(`${'query'.padEnd(w)}  ${'count'.padStart(9)}  ${'shandian p50'.padStart(12)}  ${'p99'.padStart(8)}  ${'DuckDB p50'.padStart(10)}  ${'p99'.padStart(8)}  ${'ratio'.padStart(7)}`);
  out.push('-'.repeat(w + 68));
  const ratios: number[] = [];
  let slowest: { id: string; p99: number } | undefined;
  for (const q of queries) {
    if (q.error !== undefined && q.shandian === undefined) {
      out.push(`${q.id.padEnd(w)}  ERROR: ${q.error}`);
      continue;
    }
    const count = q.shandianCount === q.duckCount ? fmtInt(q.duckCount ?? 0) : `${q.shandianCount}/${q.duckCount}!`;
    const ratio = q.shandian && q.duckdb ? q.duckdb.p50 / q.shandian.p50 : undefined;
    if (ratio !== undefined) ratios.push(ratio);
    if (q.shandian && (!slowest || q.shandian.p99 > slowest.p99)) slowest = { id: q.id, p99: q.shandian.p99 };
    out.push(`${q.id.padEnd(w)}  ${count.padStart(9)}  ${num(q.shandian?.p50).padStart(12)}  ${num(q.shandian?.p99).padStart(8)}  ` +
      `${num(q.duckdb?.p50).padStart(10)}  ${num(q.duckdb?.p99).padStart(8)}  ${(ratio === undefined ? '-' : ratio.toFixed(1) + 'x').padStart(7)}`);
  }
  out.push('-'.repeat(w + 68));
  const geomean = ratios.length ? Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length) : 0;
  out.push(`geometric mean of ratios (DuckDB p50 / shandian p50): ${geomean.toFixed(1)}x over ${ratios.length} segments`);
  out.push(`slowest shandian p99: ${slowest ? `${slowest.p99.toFixed(2)} ms (${slowest.id})` : '-'}`);

  const mismatched = queries.filter((q) => q.shandianCount !== undefined && q.shandianCount !== q.duckCount);
  const errored = queries.filter((q) => q.shandianCount === undefined || q.duckCount === undefined);
  for (const q of mismatched) {
    out.push('');
    out.push(`COUNT MISMATCH ${q.id} (${q.file}): shandian ${q.shandianCount}, DuckDB ${q.duckCount}`);
    out.push(`  only shandian (${q.onlyShandian?.length ?? 0}): ${(q.onlyShandian ?? []).slice(0, 10).join(', ')}`);
    out.push(`  only DuckDB   (${q.onlyDuckdb?.length ?? 0}): ${(q.onlyDuckdb ?? []).slice(0, 10).join(', ')}`);
    out.push(`  XML:\n${q.xml.trimEnd().replace(/^/gm, '    ')}`);
    out.push(`  SQL (asOf ${new Date(q.sql!.asOfMs).toISOString()}, tz ${q.sql!.tz}):\n${q.sql!.countSql.replace(/^/gm, '    ')}`);
  }
  const countsOk = mismatched.length === 0 && errored.length === 0 && dataProblems.length === 0;
  const slowOnes = queries.filter((q) => q.shandian && q.shandian.p99 > P99_MAX_MS);
  const p99Ok = ratios.length > 0 && slowOnes.length === 0 && errored.length === 0;
  const geoOk = ratios.length > 0 && geomean >= GEOMEAN_MIN && errored.length === 0;
  out.push('');
  out.push(`${countsOk ? 'PASS' : 'FAIL'}  identical counts: ${queries.length - mismatched.length - errored.length}/${queries.length} segments agree` +
    `${mismatched.length ? `; MISMATCH: ${mismatched.map((q) => q.id).join(', ')}` : ''}${errored.length ? `; ERROR: ${errored.map((q) => q.id).join(', ')}` : ''}` +
    `${dataProblems.length ? '; the loaded data differs (see above)' : ''}`);
  out.push(`${geoOk ? 'PASS' : 'FAIL'}  geometric-mean speedup ${geomean.toFixed(1)}x ${geomean >= GEOMEAN_MIN ? '>=' : '<'} ${GEOMEAN_MIN}x` +
    `${errored.length ? `; ${errored.length} segment(s) did not run` : ''}`);
  out.push(`${p99Ok ? 'PASS' : 'FAIL'}  every shandian p99 <= ${P99_MAX_MS} ms` +
    `${slowOnes.length ? `: over it: ${slowOnes.map((q) => `${q.id} ${q.shandian!.p99.toFixed(1)} ms`).join(', ')}` : ` (slowest ${slowest?.p99.toFixed(2) ?? '-'} ms)`}` +
    `${errored.length ? `; ${errored.length} segment(s) did not run` : ''}`);
  process.stdout.write(out.join('\n') + '\n');
  return { pass: countsOk && geoOk && p99Ok, countsOk, geomean, geoOk, slowestP99: slowest?.p99 ?? null, p99Ok, mismatched: mismatched.map((q) => q.id), errored: errored.map((q) => q.id) };
}

main().then((code) => process.exit(code), (e: unknown) => {
  if (e instanceof Failure) process.stderr.write(`\nbench:foreign: ${e.message}\n`);
  else process.stderr.write(`\nbench:foreign FAILED with an error:\n${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
