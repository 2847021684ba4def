import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Big query texts are parsed on a helper thread, which runs the compiled
// worker: this suite drives the built engine (npm test builds first).
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '../../dist');
const hasBuild = fs.existsSync(path.join(dist, 'src/index.js')) && fs.existsSync(path.join(dist, 'src/engine/parse-worker.js'));

type EngineModule = typeof import('../../src/index.js');
type Engine = InstanceType<EngineModule['Engine']>;

const ASOF = '2026-11-30T23:59:59+08:00';
let dir: string;
let engine: Engine;
let wideOr: string;

beforeAll(async () => {
  if (!hasBuild) return;
  const { Engine } = (await import(path.join(dist, 'src/index.js'))) as EngineModule;
  const { buildGeneratedStore } = (await import(path.join(dist, 'src/engine/build-generated-store.js'))) as typeof import('../../src/engine/build-generated-store.js');
  const bench = (await import(path.join(dist, 'bench/event-loop.js'))) as typeof import('../../bench/event-loop.js');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-event-loop-'));
  buildGeneratedStore(path.join(dir, 'store'), { orders: 100_000, seed: 3, shards: 2 });
  engine = await Engine.open({ dir: path.join(dir, 'store'), readOnly: true, threads: 0 });
  wideOr = bench.wideOr(20_000); // 20,000 <bought> branches, 735 KB of XML
}, 60_000);

afterAll(async () => {
  await engine?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** How long `start()` takes to settle (ms, counting its synchronous part), and how. */
async function settle(start: () => Promise<unknown>): Promise<{ ms: number; error?: unknown }> {
  const started = performance.now();
  try {
    await start();
    return { ms: performance.now() - started };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

describe.runIf(hasBuild)('the calling thread stays responsive (threads: 0)', () => {
  it('a 20,000-branch <or> with timeoutMs: 50 rejects with E_TIMEOUT within ~150 ms', async () => {
    await engine.query(wideOr, { asOf: ASOF }); // warm: the first run also loads code
    const { ms, error } = await settle(() => engine.query(wideOr, { asOf: ASOF, timeoutMs: 50 }));
    expect(error).toMatchObject({ code: 'E_TIMEOUT' });
    expect(ms).toBeLessThan(150);
  }, 60_000);

  it('an abort at 20 ms stops the same query within ~150 ms', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const { ms, error } = await settle(() => engine.query(wideOr, { asOf: ASOF, signal: ac.signal }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(ms).toBeLessThan(150);
  }, 60_000);

  it('a 5 ms interval keeps ticking during the whole query and its ids()', async () => {
    // A gap between ticks on a busy host also holds time the OS gave to other
    // processes; the calling thread ran at most min(gap, this process's CPU
    // time in the gap), which is what is bounded here (on main: ~700 ms).
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    // One attempt measures the longest stretch the calling thread ran without
    // the timer getting a turn. A busy CI host (two test files at once on two
    // cores, GC threads, the parse helper thread, all counted in this
    // process's CPU time) can stretch one attempt; the best of three cannot
    // hide a thread that is really blocked (each attempt was 600-800 ms then).
    const attempt = async () => {
      let last = performance.now(), lastCpu = cpu();
      let maxOwn = 0, maxGap = 0;
      const timer = setInterval(() => {
        const now = performance.now(), c = cpu();
        maxOwn = Math.max(maxOwn, Math.min(now - last, c - lastCpu));
        maxGap = Math.max(maxGap, now - last);
        last = now;
        lastCpu = c;
      }, 5);
      await new Promise((r) => setTimeout(r, 10));
      (last = performance.now()), (lastCpu = cpu()), (maxOwn = 0), (maxGap = 0);
      const segment = await engine.query(wideOr, { asOf: ASOF });
      let n = 0;
      for await (const _ of segment.ids()) n++;
      const now = performance.now();
      maxOwn = Math.max(maxOwn, Math.min(now - last, cpu() - lastCpu));
      clearInterval(timer);
      expect(n).toBe(segment.count);
      expect(segment.count).toBeGreaterThan(0);
      return { maxOwn, maxGap };
    };
    const attempts: { maxOwn: number; maxGap: number }[] = [];
    while (attempts.length < 3 && !(attempts.length > 0 && attempts.at(-1)!.maxOwn < 150)) attempts.push(await attempt());
    const best = attempts.reduce((a, b) => (b.maxOwn < a.maxOwn ? b : a));
    const { maxOwn, maxGap } = best;
    expect(maxOwn, `longest gap ${maxGap.toFixed(1)} ms`).toBeLessThan(150);
  }, 60_000);

  it('cooperative evaluation gives the same members as before', async () => {
    const { Engine } = (await import(path.join(dist, 'src/index.js'))) as EngineModule;
    const pooled = await Engine.open({ dir: path.join(dir, 'store'), readOnly: true, threads: 1, poolMinLines: 0 });
    try {
      for (const xml of [
        wideOr,
        '<segment><bought category="skincare" last="90d" minCount="2"/><not><bought category="skincare" last="30d"/></not></segment>',
        '<segment><bought from="2026-01-01" minAmount="300"/><tag name="vip"/></segment>',
      ]) {
        const here = [...(await engine.query(xml, { asOf: ASOF })).idsSync()].sort();
        const there = [...(await pooled.query(xml, { asOf: ASOF })).idsSync()].sort();
        expect(here).toEqual(there);
      }
    } finally {
      await pooled.close();
    }
  }, 60_000);
});
