/**
 * Runs one phase of bench/large/large.ts as a child Node process: forwards its
 * stderr line by line, turns a progress bar on it into occasional progress
 * lines, and prints a heartbeat (elapsed, the child's RSS) whenever the child
 * has been quiet for a while, since at 300M lines one step (Engine.open,
 * DuckDB's final-state SQL) can take many minutes without a word.
 */
import { spawn } from 'node:child_process';
import { gib, log, procStatusBytes, secs } from './large-protocol.js';

export interface PhaseRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** the highest RSS sampled from outside (every few seconds); the child's own VmHWM is exact */
  rssSampledMax: number;
  /** the child's stderr lines, progress bar redraws left out */
  lines: string[];
}

export interface PhaseSpawn {
  name: string;
  /** arguments to node */
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** aborting kills the child */
  signal?: AbortSignal;
  /** recognises a progress-bar redraw and says how far along it is */
  progress?: (segment: string) => string | undefined;
  /** print a status line after this long without output (default 30 s) */
  heartbeatMs?: number;
}

const SAMPLE_MS = 2_000;
const KEEP_LINES = 500;

export function spawnPhase(p: PhaseSpawn): Promise<PhaseRun> {
  const started = performance.now();
  const heartbeatMs = p.heartbeatMs ?? 30_000;
  const child = spawn(process.execPath, p.args, { stdio: ['ignore', 'inherit', 'pipe'], env: p.env ?? process.env, signal: p.signal });
  const lines: string[] = [];
  let pending = '';
  let lastProgress: string | undefined;
  let lastOutput = performance.now();
  let rssSampledMax = 0;

  const segment = (raw: string): void => {
    const text = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trimEnd();
    if (!text) return;
    const progress = p.progress?.(text);
    if (progress !== undefined) {
      lastProgress = progress;
      return;
    }
    lines.push(text);
    if (lines.length > KEEP_LINES) lines.shift();
    process.stderr.write(text.startsWith('[large]') ? `${text}\n` : `[large]   ${p.name}: ${text}\n`);
    lastOutput = performance.now();
  };
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split(/[\r\n]/);
    pending = parts.pop()!;
    for (const s of parts) segment(s);
  });

  const timer = setInterval(() => {
    const rss = child.pid === undefined ? undefined : procStatusBytes(child.pid, 'VmRSS');
    if (rss !== undefined) rssSampledMax = Math.max(rssSampledMax, rss);
    const now = performance.now();
    if (now - lastOutput >= heartbeatMs) {
      log(`${p.name}: ${secs(now - started)} elapsed${lastProgress ? `, ${lastProgress}` : ''}${rss !== undefined ? `, RSS ${gib(rss)}` : ''}`);
      lastOutput = now;
    }
  }, SAMPLE_MS);

  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      segment(pending);
      resolve({ code, signal, wallMs: performance.now() - started, rssSampledMax, lines });
    });
  });
}
