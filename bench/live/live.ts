/**
 * `npm run bench:live -- --lines 1000000 [--tail 0.1] [--batch 1000] [--segments 10]`:
 * live segments at scale, through the public API only.
 *
 * A store is built from the first (1 - tail) of the benchmark's generated
 * records (bench/standard/data.ts), snapshotted and copied. Then the last
 * `tail` of the records is appended in batches of `batch` records with
 * durability fsync twice: to one copy with no live segment, and to the other
 * with the benchmark's scenarios (bench/standard/scenarios.ts) saved live
 * (the first `segments` of them). Reported: append throughput both ways and
 * their ratio, the time to save each live segment, refreshLive() after the
 * clock moved a minute and a day, and the feed's write amplification (feed
 * bytes per log byte of the appended records). Before each timed phase the
 * file system is synced (`sync`), so neither pays for the writeback of the
 * setup's copies (the first phase did: its log writes took twice as long).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Engine, type GenRecord } from '../../src/index.js';
import { DataStats, ordersFor, recordBatches } from '../standard/data.js';
import { AS_OF, buildScenarios } from '../standard/scenarios.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    tail: { type: 'string', default: '0.1' },
    batch: { type: 'string', default: '1000' },
    segments: { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
    durability: { type: 'string', default: 'fsync' },
  },
});
const lines = Number(values.lines), tailShare = Number(values.tail), batchSize = Number(values.batch), segmentCount = Number(values.segments);
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const dirSize = (dir: string): number => (fs.existsSync(dir) ? fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0) : 0);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** Writes back every dirty page before a timed phase (`sync`; nothing where the command is missing). */
const settle = (): void => {
  try {
    execFileSync('sync');
  } catch {
    /* no sync command: the phases are timed as they come */
  }
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-live-bench-'));
const plain = path.join(tmp, 'plain');
const live = path.join(tmp, 'live');
try {
  // ---- the base store and the tail to append (records streamed: the tail alone is kept)
  const orders = ordersFor(lines);
  const stats = new DataStats();
  let total = 0;
  for (const batch of recordBatches(orders)) {
    total += batch.length;
    for (const r of batch) if (r.type === 'order') stats.addOrder(r.lines);
  }
  const cut = Math.floor(total * (1 - tailShare));
  const tail: GenRecord[] = [];
  {
    const base = await Engine.open({ dir: plain, durability: 'none' });
    let seen = 0;
    for (const batch of recordBatches(orders)) {
      const keep = Math.max(0, Math.min(batch.length, cut - seen));
      if (keep > 0) await base.append((keep === batch.length ? batch : batch.slice(0, keep)) as never);
      for (let i = keep; i < batch.length; i++) tail.push(batch[i]!);
      seen += batch.length;
    }
    await base.snapshot();
    await base.close();
    fs.cpSync(plain, live, { recursive: true });
  }
  const tailLines = tail.reduce((n, r) => n + (r.type === 'order' ? r.lines.length : 0), 0);
  log(`durability ${values.durability}; ${fmt(total)} records (${fmt(orders)} orders, ~${fmt(lines)} lines); base ${fmt(cut)} records, tail ${fmt(tail.length)} records (${fmt(tailLines)} lines) in batches of ${batchSize}`);
  const now = Date.parse(AS_OF);

  /** this process's CPU time (all threads) of the last appendTail: less noisy than wall time on a loaded machine */
  let cpuMs = 0;
  const appendTail = async (engine: Engine): Promise<number> => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < tail.length; i += batchSize) await engine.append(tail.slice(i, i + batchSize) as never);
    const c = process.cpuUsage(c0);
    cpuMs = (c.user + c.system) / 1000;
    return performance.now() - t0;
  };

  // ---- no live segment
  const durability = values.durability === 'none' ? 'none' : 'fsync';
  const a = await Engine.open({ dir: plain, clock: () => now, durability });
  settle();
  const logBefore = dirSize(path.join(plain, 'log'));
  const plainMs = await appendTail(a);
  const logBytes = dirSize(path.join(plain, 'log')) - logBefore;
  await a.close();
  log(`no live segment: ${fmt(plainMs)} ms, ${fmt((tailLines / plainMs) * 1000)} lines/s, ${fmt((tail.length / plainMs) * 1000)} records/s (CPU ${fmt(cpuMs)} ms); log ${fmt(logBytes)} bytes`);
  const plainCpuMs = cpuMs;

  // ---- live segments
  let clock = now;
  const b = await Engine.open({ dir: live, clock: () => clock, durability });
  const scenarios = buildScenarios(stats).slice(0, segmentCount);
  for (const s of scenarios) {
    const t0 = performance.now();
    await b.save(s.id, s.xml.replace(/ name="[^"]*"/, ''), { live: true });
    log(`  saved live ${s.id}: ${fmt(performance.now() - t0)} ms, feed at seq ${fmt(b.lastChangeSeq)}`);
  }
  const feedBefore = b.feedBytesWritten, seqBefore = b.lastChangeSeq;
  settle();
  const liveMs = await appendTail(b);
  const size = b.size;
  log(`live segments' order index: ${fmt(b.liveIndexBytes)} bytes = ${(b.liveIndexBytes / size.lines).toFixed(1)} bytes per order line (${fmt(size.lines)} lines, ${fmt(size.orders)} orders, ${fmt(size.customers)} customers)`);
  const feedBytes = b.feedBytesWritten - feedBefore;
  log(`${scenarios.length} live segments: ${fmt(liveMs)} ms, ${fmt((tailLines / liveMs) * 1000)} lines/s (${(plainMs / liveMs).toFixed(2)} of no live; CPU ${fmt(cpuMs)} ms, ${(plainCpuMs / cpuMs).toFixed(2)} of no live); ${fmt(b.lastChangeSeq - seqBefore)} changes, feed ${fmt(feedBytes)} bytes = ${(feedBytes / logBytes).toFixed(4)} feed bytes per log byte`);
  for (const [label, step] of [['1 minute', 60_000], ['1 day', 86_400_000], ['1 minute more', 60_000], ['7 days', 7 * 86_400_000]] as const) {
    clock += step;
    const seq0 = b.lastChangeSeq;
    const t0 = performance.now();
    await b.refreshLive();
    log(`refreshLive() after the clock moved ${label}: ${fmt(performance.now() - t0)} ms, ${fmt(b.lastChangeSeq - seq0)} changes`);
  }
  await b.close();
} finally {
  if (!values.keep) fs.rmSync(tmp, { recursive: true, force: true });
}
