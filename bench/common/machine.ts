/** The machine a result was measured on, and memory measurement helpers. */
import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';

export interface Machine {
  cpu: string;
  /** logical CPUs the OS reports */
  cpus: number;
  /** os.availableParallelism(): what Node (and shandian's default shard count) sees */
  parallelism: number;
  ramBytes: number;
  /** cgroup memory limit, when one is set below the machine's RAM */
  cgroupLimitBytes?: number;
  node: string;
  os: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  const m: Machine = {
    cpu: (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim(),
    cpus: cpus.length,
    parallelism: os.availableParallelism(),
    ramBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
  const limit = cgroupMemoryLimit();
  if (limit !== undefined && limit < m.ramBytes) m.cgroupLimitBytes = limit;
  return m;
}

function cgroupMemoryLimit(): number | undefined {
  for (const f of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const v = fs.readFileSync(f, 'utf8').trim();
      const n = Number(v);
      if (Number.isFinite(n) && n > 0) return n;
    } catch {
      // not there
    }
  }
  return undefined;
}

export function machineLine(m: Machine): string {
  const gib = (b: number): string => (b / 2 ** 30).toFixed(0) + ' GiB';
  return `${m.cpu}, ${m.cpus} logical CPUs (${m.parallelism} available to Node), ${gib(m.ramBytes)} RAM` +
    `${m.cgroupLimitBytes !== undefined ? ` (cgroup limit ${gib(m.cgroupLimitBytes)})` : ''}, Node ${m.node}, ${m.os}`;
}

/**
 * A full garbage collection. With `node --expose-gc` that is `global.gc`;
 * without it the flag is switched on at run time and `gc` is taken from a
 * fresh context, so `npm run bench` measures the same way either way.
 */
export function getGc(): { gc: () => void; how: string } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return { gc: g, how: '--expose-gc' };
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    if (typeof fn === 'function') return { gc: fn as () => void, how: 'v8.setFlagsFromString(--expose-gc)' };
  } catch {
    // fall through
  }
  return { gc: () => undefined, how: 'none (figures include garbage)' };
}

export interface MemSample {
  rss: number;
  heapUsed: number;
  /** memory outside the V8 heap owned by JS objects: typed-array buffers and native addons that report it */
  external: number;
  arrayBuffers: number;
}

export function sampleMemory(gc: () => void): MemSample {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

export function memDelta(after: MemSample, before: MemSample): MemSample {
  return {
    rss: after.rss - before.rss,
    heapUsed: after.heapUsed - before.heapUsed,
    external: after.external - before.external,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
  };
}

/** Total size of the files under a directory. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fs.statSync(`${e.parentPath ?? (e as unknown as { path: string }).path}/${e.name}`).size;
  }
  return total;
}

/** CPU accounting to tell how busy the machine was with other work while we measured (Linux /proc/stat). */
export interface CpuSnapshot {
  wallMs: number;
  /** machine-wide busy and total jiffies, when /proc/stat is readable */
  busy?: number;
  total?: number;
  /** this process (all threads, DuckDB's included), microseconds */
  ownUs: number;
}

export function cpuSnapshot(): CpuSnapshot {
  const own = process.cpuUsage();
  const snap: CpuSnapshot = { wallMs: performance.now(), ownUs: own.user + own.system };
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    snap.busy = total - idle;
    snap.total = total;
  } catch {
    // not Linux
  }
  return snap;
}

export interface CpuShare {
  /** percent of the machine's CPU capacity over the interval */
  ownPct: number;
  /** busy time not ours: other processes (undefined off Linux) */
  othersPct?: number;
  loadAvg1m: number;
}

export function cpuShare(a: CpuSnapshot, b: CpuSnapshot): CpuShare {
  const cores = os.cpus().length;
  const capacityUs = (b.wallMs - a.wallMs) * 1000 * cores;
  const ownPct = (100 * (b.ownUs - a.ownUs)) / capacityUs;
  const share: CpuShare = { ownPct, loadAvg1m: os.loadavg()[0]! };
  if (a.busy !== undefined && b.busy !== undefined && a.total !== undefined && b.total !== undefined && b.total > a.total) {
    const busyPct = (100 * (b.busy - a.busy)) / (b.total - a.total);
    share.othersPct = Math.max(0, busyPct - ownPct);
  }
  return share;
}
