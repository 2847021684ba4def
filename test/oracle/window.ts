/**
 * Window bounds for the DuckDB side, computed here independently of the
 * engine's planner (src/plan/resolve-window.ts), so that the count check
 * cross-checks the engine's window arithmetic too. All bounds are inclusive
 * epoch seconds, as the contract defines them:
 *
 * - a date-only `from` is the first second of that day in the zone, a
 *   date-only `to` the last second of that day;
 * - `last="Nd"` is asOf - N days < ts <= asOf;
 * - every window is capped at asOf.
 */

export interface Bounds {
  /** inclusive, epoch seconds */
  lo: number;
  /** inclusive, epoch seconds */
  hi: number;
}

const DAY_S = 86_400;

/** Offset of `tz` from UTC at the instant `utcMs`, in milliseconds (via Intl, no engine code). */
export function zoneOffsetMs(tz: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Epoch seconds of the first instant of `date` (YYYY-MM-DD) in `tz`: local
 * midnight, or, where a clock change skips midnight (America/Santiago), the
 * instant of the change.
 */
export function dayStart(date: string, tz: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`bad date ${date}`);
  const wallMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const localDate = (utcMs: number): string => new Date(utcMs + zoneOffsetMs(tz, utcMs)).toISOString().slice(0, 10);
  // midnight under the offsets in force around that day; the earliest one that falls on `date`
  const candidates = [...new Set([-1, 0, 1].map((d) => wallMs - zoneOffsetMs(tz, wallMs + d * DAY_S * 1000)))].sort((a, b) => a - b);
  const first = candidates.find((utc) => localDate(utc) === date);
  if (first === undefined) throw new Error(`no start of day found for ${date} in ${tz}`);
  return first / 1000;
}

function nextDay(date: string): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export class Windows {
  readonly asOfSec: number;

  constructor(asOf: string, readonly tz: string) {
    const ms = Date.parse(asOf);
    if (!Number.isFinite(ms)) throw new Error(`bad asOf ${asOf}`);
    this.asOfSec = Math.floor(ms / 1000);
  }

  /** date-only `from`..`to`, both inclusive, capped at asOf */
  range(from: string, to?: string): Bounds {
    const lo = dayStart(from, this.tz);
    const hi = to === undefined ? this.asOfSec : Math.min(this.asOfSec, dayStart(nextDay(to), this.tz) - 1);
    return { lo, hi };
  }

  /** `last="N d"` */
  lastDays(n: number): Bounds {
    return { lo: this.asOfSec - n * DAY_S + 1, hi: this.asOfSec };
  }

  /** no window attribute: all history up to asOf */
  all(): Bounds {
    return { lo: Number.MIN_SAFE_INTEGER, hi: this.asOfSec };
  }
}

/** The last day (YYYY-MM-DD) of the month that `firstOfMonth` starts. */
export function lastDayOfMonth(firstOfMonth: string): string {
  const d = new Date(firstOfMonth + 'T00:00:00Z');
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
}
