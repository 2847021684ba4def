/**
 * Times the scenarios on one engine with tinybench, with the options
 * bench/standard/run.ts uses (minimum runs, minimum time, warm-up runs), checking
 * every timed run still returns the expected count.
 */
import { Bench, type Task } from 'tinybench';
import { BenchFailure, log, type BenchOptions } from './large-protocol.js';
import type { LatencyStats } from '../standard/results.js';
import type { Scenario } from '../standard/scenarios.js';

/** A finished tinybench task's latency figures (bench/standard/run.ts too). */
export function latency(task: Task): LatencyStats {
  const r = task.result;
  if (r.state === 'errored') throw r.error;
  if (r.state !== 'completed') throw new BenchFailure(`task ${task.name} ended ${r.state}`);
  const l = r.latency;
  return { p50: l.p50, p99: l.p99, mean: l.mean, min: l.min, max: l.max, samples: l.samplesCount };
}

export async function timeScenarios(
  engine: 'shandian' | 'duckdb',
  scenarios: readonly Scenario[],
  count: (s: Scenario) => Promise<number>,
  expected: Record<string, number>,
  opts: BenchOptions,
): Promise<Record<string, LatencyStats>> {
  const bench = new Bench({ iterations: opts.runs, time: opts.timeMs, warmup: opts.warmup > 0, warmupIterations: opts.warmup, warmupTime: 0, throws: true });
  for (const s of scenarios) {
    const want = expected[s.id];
    bench.add(`${engine}/${s.id}`, async () => {
      const n = await count(s);
      if (n !== want) throw new BenchFailure(`${engine}/${s.id} returned ${n} during timing, expected ${want}`);
    });
  }
  bench.addEventListener('cycle', (e) => {
    const task = (e as unknown as { task?: Task }).task;
    if (task && task.result.state === 'completed') {
      const l = task.result.latency;
      log(`  ${task.name.padEnd(30)} p50 ${l.p50.toFixed(2).padStart(9)} ms  p99 ${l.p99.toFixed(2).padStart(9)} ms  (${l.samplesCount} runs)`);
    }
  });
  log(`${engine}: timing ${scenarios.length} scenarios (>= ${opts.runs} runs and >= ${opts.timeMs} ms each, ${opts.warmup} warmup runs)`);
  await bench.run();
  const out: Record<string, LatencyStats> = {};
  for (const s of scenarios) out[s.id] = latency(bench.getTask(`${engine}/${s.id}`)!);
  return out;
}
