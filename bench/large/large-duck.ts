/**
 * Phase 1 of bench/large/large.ts, in its own process: generates the records once,
 * loads them into a file-backed DuckDB under a memory limit (the DuckPeer
 * load path bench/standard/run.ts uses), and on the way computes the Fingerprint and
 * the DataStats the scenarios are picked from (saved, so the other phases do
 * not regenerate the data; large-pass.ts, shared with large-stats.ts). Then
 * counts and times the scenarios (bench/standard/scenarios.ts).
 *
 *   node dist/bench/large/large-duck.js CONFIG.json     (a DuckPhaseConfig)
 */
import fs from 'node:fs';
import { recordBatches } from '../standard/data.js';
import { DuckPeer } from '../../test/oracle/duckdb.js';
import { DataPass } from './large-pass.js';
import { BenchFailure, fmtInt, log, peakRssBytes, runPhase, secs, writeJson, type DuckPhaseConfig, type DuckPhaseOutput } from './large-protocol.js';
import { timeScenarios } from './large-timing.js';
import { cpuShare, cpuSnapshot } from '../common/machine.js';
import { buildScenarios } from '../standard/scenarios.js';

const fileSize = (f: string): number => (fs.existsSync(f) ? fs.statSync(f).size : 0);

runPhase<DuckPhaseConfig>('large-duck', async (c) => {
  const started = performance.now();
  const cpuLoad0 = cpuSnapshot();
  const peer = await DuckPeer.create({ path: c.dbPath, memoryLimit: c.memoryLimit, threads: c.threads, tempDirectory: c.tempDirectory });
  const pass = new DataPass('duckdb load', c.requestedLines, started);
  const load = await peer.load(recordBatches(c.orders), (batch) => pass.add(batch));
  log(`duckdb load: appenders ${secs(load.appendMs)}, final-state SQL ${secs(load.finishMs)}; checkpointing`);
  const tc = performance.now();
  await peer.checkpoint();
  const checkpointMs = performance.now() - tc;
  const loadWallMs = performance.now() - started;
  const noiseLoad = cpuShare(cpuLoad0, cpuSnapshot());
  pass.saveStats(c.statsPath);

  const { fingerprint: data, customers: passCustomers } = pass.output();
  const duckLines = Number(await peer.scalar('SELECT count(*) FROM lines'));
  if (duckLines !== data.lines) throw new BenchFailure(`DuckDB holds ${duckLines} lines, the generator produced ${data.lines}`);
  const customers = Number(await peer.scalar('SELECT count(*) FROM customers'));
  // the count --engine-only (large-stats.ts) relies on without DuckDB: checked here whenever DuckDB runs
  if (customers !== passCustomers) throw new BenchFailure(`DuckDB knows ${customers} customers, the generator pass counted ${passCustomers} distinct customer ids`);
  const info = await peer.describe();
  const fileBytes = fileSize(c.dbPath) + fileSize(c.dbPath + '.wal');
  const ingestMs = load.ingestMs + checkpointMs;
  log(`duckdb ${info.version}: ${fmtInt(data.lines)} lines, ${fmtInt(data.orders)} orders, ${fmtInt(customers)} customers loaded in ${secs(ingestMs)} ` +
    `(appenders ${secs(load.appendMs)}, SQL ${secs(load.finishMs)}, checkpoint ${secs(checkpointMs)}) = ${fmtInt(data.lines / (ingestMs / 1000))} lines/s; ` +
    `whole phase ${secs(loadWallMs)}; file ${(fileBytes / 2 ** 20).toFixed(0)} MiB; memory_limit ${info.memoryLimit}, ${info.threads} threads`);

  const scenarios = buildScenarios(pass.stats);
  const counts: Record<string, number> = {};
  for (const s of scenarios) {
    const t0 = performance.now();
    counts[s.id] = await peer.count(s.sql);
    log(`  duckdb ${s.id.padEnd(20)} ${fmtInt(counts[s.id]!).padStart(11)} customers (${secs(performance.now() - t0)})`);
    if (counts[s.id] === 0) log(`  warning: ${s.id} is empty at this size`);
  }
  const cpuTiming0 = cpuSnapshot();
  const latencies = await timeScenarios('duckdb', scenarios, (s) => peer.count(s.sql), counts, c.bench);
  const noiseTiming = cpuShare(cpuTiming0, cpuSnapshot());
  peer.close();

  const out: DuckPhaseOutput = {
    fingerprint: data, customers, version: info.version, threads: info.threads, memoryLimit: info.memoryLimit,
    appendMs: load.appendMs, finishMs: load.finishMs, checkpointMs, loadWallMs, memoryBytes: info.memoryBytes, fileBytes,
    counts, latencies, noise: { load: noiseLoad, timing: noiseTiming }, peakRssBytes: peakRssBytes(),
  };
  writeJson(c.outPath, out);
});
