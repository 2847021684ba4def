/**
 * Phase 1 of bench/large/large.ts with --engine-only, in its own process: the
 * DuckDB phase without DuckDB. Generates the records once and computes what
 * the other phases need from them (large-pass.ts, the same code the DuckDB
 * phase runs): the Fingerprint and distinct customers the store is checked
 * against, and the DataStats the scenarios are picked from (saved). No
 * counts: at the sizes this is for there is nothing to check shandian's
 * counts against.
 *
 *   node dist/bench/large/large-stats.js CONFIG.json     (a StatsPhaseConfig)
 */
import { recordBatches } from '../standard/data.js';
import { DataPass } from './large-pass.js';
import { fmtInt, log, peakRssBytes, runPhase, secs, writeJson, type StatsPhaseConfig, type StatsPhaseOutput } from './large-protocol.js';
import { cpuShare, cpuSnapshot } from '../common/machine.js';
import { buildScenarios } from '../standard/scenarios.js';

runPhase<StatsPhaseConfig>('large-stats', async (c) => {
  const started = performance.now();
  const cpu0 = cpuSnapshot();
  const pass = new DataPass('stats pass', c.requestedLines, started);
  for (const batch of recordBatches(c.orders)) pass.add(batch);
  const wallMs = performance.now() - started;
  const noise = cpuShare(cpu0, cpuSnapshot());
  pass.saveStats(c.statsPath);
  const data = pass.output();
  const fp = data.fingerprint;
  log(`stats pass: ${fmtInt(fp.lines)} lines, ${fmtInt(fp.orders)} orders, ${fmtInt(data.customers)} customers (distinct ids), ` +
    `${fmtInt(fp.records)} records, fingerprint ${fp.hash}, in ${secs(wallMs)} = ${fmtInt(fp.lines / (wallMs / 1000))} lines/s`);
  // the scenarios the query phase will ask, picked from these stats (fails here, early, if the data is too small for one)
  log(`stats pass: scenarios ${buildScenarios(pass.stats).map((s) => s.id).join(', ')}`);
  const out: StatsPhaseOutput = { ...data, wallMs, noise, peakRssBytes: peakRssBytes() };
  writeJson(c.outPath, out);
});
