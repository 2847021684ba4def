/**
 * How bench/large/large.ts reads its phases' stderr: the build's progress bar
 * (turned into progress lines) and, when a phase fails, the tail of what it
 * said, repeated in the failure itself.
 */
import { LINES_PER_ORDER } from '../standard/data.js';
import { BenchFailure, fmtInt, gib, secs } from './large-protocol.js';
import type { PhaseRun } from './large-spawn.js';

/** Lines of a failed phase's stderr repeated in the failure message. */
export const FAILURE_TAIL_LINES = 20;

/**
 * A phase's failure, with the last lines it wrote to stderr (its error
 * message, however the progress redraws around it went), or a plain
 * statement that it wrote none.
 */
export function phaseFailed(name: string, run: Pick<PhaseRun, 'code' | 'signal' | 'wallMs' | 'rssSampledMax' | 'lines'>): BenchFailure {
  const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
  const oom = run.signal === 'SIGKILL' ? ` (likely the kernel's OOM killer: its RSS reached at least ${gib(run.rssSampledMax)})` : '';
  const tail = run.lines.slice(-FAILURE_TAIL_LINES);
  const said = tail.length === 0
    ? '; it wrote nothing to stderr'
    : `; the last ${tail.length === 1 ? 'line' : `${tail.length} lines`} of its stderr:\n${tail.map((l) => `  | ${l}`).join('\n')}`;
  return new BenchFailure(`the ${name} phase ${how}${oom} after ${secs(run.wallMs)}${said}`);
}

/**
 * `gen --data`'s progress bar, e.g. `build [####----] 12.3% 1,234,567 orders eta 80s`, as a progress
 * line. Only a segment that is nothing but the bar: the bar is redrawn with no newline, so an error
 * printed after it arrives in the same segment, and must be shown, not taken for progress.
 */
export function buildProgress(orders: number) {
  return (segment: string): string | undefined => {
    const m = /^build \[[#-]*\]\s+([\d.]+)%\s+([\d,]+) orders(?: eta \d+s)?\s*$/.exec(segment);
    if (!m) return undefined;
    const done = Number(m[2]!.replaceAll(',', ''));
    return `${m[1]}%: ${fmtInt(done)} of ${fmtInt(orders)} orders (~${fmtInt(done * LINES_PER_ORDER)} lines)`;
  };
}
