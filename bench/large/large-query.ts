/**
 * Phase 3 of bench/large/large.ts, in a fresh process: Engine.open of the store
 * `gen --data` built (or the one given with --store) (time, and RSS before
 * and after, both after full GCs, as bench/standard/open-probe.ts measures it), the
 * scenarios from phase 1's saved DataStats, every count, then the same
 * tinybench timings.
 *
 * If a count differs from DuckDB's it writes the counts (and the members of
 * each mismatching scenario, for diagnosis) and exits EXIT_COUNT_MISMATCH
 * without timing: large.ts reports the mismatches. With --engine-only there
 * are no DuckDB counts (expectedCounts null) and nothing is compared.
 *
 *   node dist/bench/large/large-query.js CONFIG.json     (a QueryPhaseConfig)
 */
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../src/index.js';
import { DataStats, type DataStatsJson } from '../standard/data.js';
import { compareCounts } from './large-compare.js';
import { BenchFailure, EXIT_COUNT_MISMATCH, fmtInt, gib, log, peakRssBytes, readJson, runPhase, secs, writeJson, type QueryPhaseConfig, type QueryPhaseOutput } from './large-protocol.js';
import { timeScenarios } from './large-timing.js';
import { cpuShare, cpuSnapshot, getGc, sampleMemory } from '../common/machine.js';
import { AS_OF, buildScenarios, TZ } from '../standard/scenarios.js';

runPhase<QueryPhaseConfig>('large-query', async (c) => {
  const { gc, how: gcMethod } = getGc();
  const scenarios = buildScenarios(DataStats.fromJSON(readJson<DataStatsJson>(c.statsPath)));
  // load the engine's modules and warm the allocator before the baseline, as open-probe.ts does
  await (await Engine.open({})).close();
  const before = sampleMemory(gc);
  log(`shandian: Engine.open of ${c.storeDir} (RSS before ${gib(before.rss)})`);
  const t0 = performance.now();
  const engine = await Engine.open({ dir: c.storeDir, durability: 'none' });
  const openMs = performance.now() - t0;
  const after = sampleMemory(gc);
  const size = engine.size;
  log(`shandian: opened in ${secs(openMs)}: ${fmtInt(size.lines)} lines, ${fmtInt(size.orders)} orders, ${fmtInt(size.customers)} customers, ` +
    `${size.shards} shards; RSS ${gib(after.rss)} (+${gib(after.rss - before.rss)} = ${((after.rss - before.rss) / size.lines).toFixed(0)} B/line)`);
  const e = c.expected;
  if (size.orders !== e.orders || size.lines !== e.lines || size.customers !== e.customers) {
    throw new BenchFailure(`the store ${c.storeDir} holds ${fmtInt(size.orders)} orders / ${fmtInt(size.lines)} lines / ${fmtInt(size.customers)} customers, ` +
      `phase 1's generator pass produced ${fmtInt(e.orders)} / ${fmtInt(e.lines)} / ${fmtInt(e.customers)}: they are not the same data`);
  }

  const counts: Record<string, number> = {};
  let firstQueryMs: number | undefined;
  for (const s of scenarios) {
    const tq = performance.now();
    const n = (await engine.query(s.xml, { asOf: AS_OF, tz: TZ })).count;
    const took = performance.now() - tq;
    firstQueryMs ??= took;
    counts[s.id] = n;
    if (c.expectedCounts === null) {
      log(`  shandian ${s.id.padEnd(20)} ${fmtInt(n).padStart(11)} customers (${secs(took)})  not cross-checked (engine only)`);
      continue;
    }
    const theirs = c.expectedCounts[s.id];
    log(`  shandian ${s.id.padEnd(20)} ${fmtInt(n).padStart(11)} customers (${secs(took)})  DuckDB ${theirs === undefined ? '?' : fmtInt(theirs)}${n === theirs ? '' : '  MISMATCH'}`);
  }
  const base: QueryPhaseOutput = {
    size, openMs, before, after, recovery: engine.recovery ?? null, firstQueryMs: firstQueryMs ?? 0,
    firstQueryScenario: scenarios[0]!.id, counts, gcMethod, peakRssBytes: 0,
  };

  const expectedCounts = c.expectedCounts;
  if (expectedCounts !== null && compareCounts(scenarios.map((s) => s.id), expectedCounts, counts).length > 0) {
    // the members, so a kept work dir (--keep) has what is needed to find the differing customers
    for (const s of scenarios) {
      if (counts[s.id] === expectedCounts[s.id]) continue;
      const ids = [...(await engine.query(s.xml, { asOf: AS_OF, tz: TZ })).idsSync()];
      fs.writeFileSync(path.join(path.dirname(c.outPath), `mismatch-${s.id}.shandian-ids.txt`), ids.join('\n') + '\n');
    }
    await engine.close();
    writeJson(c.outPath, { ...base, peakRssBytes: peakRssBytes() });
    process.exitCode = EXIT_COUNT_MISMATCH;
    return;
  }

  const cpuTiming0 = cpuSnapshot();
  const latencies = await timeScenarios('shandian', scenarios, async (s) => (await engine.query(s.xml, { asOf: AS_OF, tz: TZ })).count, counts, c.bench);
  const noiseTiming = cpuShare(cpuTiming0, cpuSnapshot());
  const tc = performance.now();
  await engine.close();
  const closeMs = performance.now() - tc;
  writeJson(c.outPath, { ...base, latencies, noiseTiming, closeMs, peakRssBytes: peakRssBytes() });
});
