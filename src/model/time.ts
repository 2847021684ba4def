/**
 * Time parsing and zone arithmetic. Instants are epoch milliseconds here;
 * the store keeps whole seconds. Zone offsets come from Intl, so DST rules
 * are the platform's IANA database.
 */
import { TUNING } from './defaults.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validYmd(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** `YYYY-MM-DD` with a real calendar date, else undefined. */
export function parseDateOnly(s: string): { year: number; month: number; day: number } | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  return validYmd(year, month, day) ? { year, month, day } : undefined;
}

/**
 * ISO-8601 date-time with an explicit offset (`Z`, `+08:00`, `+0800`), seconds
 * and fractions optional. Returns epoch milliseconds (fractions below 1 ms are
 * truncated), or undefined when malformed or out of range.
 */
export function parseDateTimeWithOffset(s: string): number | undefined {
  const m = DATE_TIME_RE.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  const hour = Number(m[4]), minute = Number(m[5]), second = m[6] === undefined ? 0 : Number(m[6]);
  if (!validYmd(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  let offsetMin = 0;
  const off = m[8]!;
  if (off !== 'Z') {
    const digits = off.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (off[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0..99 to 1900..1999; fix that up
  const fixed = year < 100 ? new Date(utc).setUTCFullYear(year) : utc;
  return fixed - offsetMin * 60_000;
}

const zoneValidity = new Map<string, boolean>();

/**
 * True for IANA zone names the platform knows (`Asia/Shanghai`, `UTC`).
 * Intl alone is too lenient: it takes `CST` (which it reads as Chicago, not
 * China), `PRC` and `asia/shanghai`. Only Area/Location names in their exact
 * case, and UTC, pass.
 */
export function isValidTimeZone(tz: string): boolean {
  let ok = zoneValidity.get(tz);
  if (ok === undefined) {
    ok = false;
    if (tz === 'UTC' || /^[A-Z][A-Za-z_]*(?:\/[A-Za-z0-9_+\-]+)+$/.test(tz)) {
      try {
        const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
        // a case-only difference means the name was not written as IANA spells it
        ok = resolved === tz || resolved.toLowerCase() !== tz.toLowerCase();
      } catch {
        ok = false;
      }
    }
    zoneValidity.set(tz, ok);
  }
  return ok;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of `tz` from UTC at instant `ms`, in milliseconds (local = utc + offset). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const parts = formatterFor(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value.startsWith('B')) year = 1 - year;
  const local = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const fixed = year >= 0 && year < 100 ? new Date(local).setUTCFullYear(year) : local;
  return fixed - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * First instant (epoch ms) whose local date in `tz` is the given day. DST
 * correct: where local midnight does not exist, the day starts at the first
 * local time after the gap.
 */
export function startOfDayInZone(year: number, month: number, day: number, tz: string): number {
  // Each call costs up to six Intl.formatToParts (about 0.06 ms each): a query
  // resolves the same few days for every window it holds, so they are memoised.
  const key = `${tz}|${year}|${month}|${day}`;
  const known = dayStarts.get(key);
  if (known !== undefined) return known;
  if (dayStarts.size >= DAY_STARTS_KEPT) dayStarts.clear();
  const start = computeStartOfDay(year, month, day, tz);
  dayStarts.set(key, start);
  return start;
}

/** Memo of startOfDayInZone (a pure function of its arguments); cleared when full. */
const dayStarts = new Map<string, number>();
const DAY_STARTS_KEPT = TUNING.DAY_STARTS_KEPT;

function computeStartOfDay(year: number, month: number, day: number, tz: string): number {
  const localMidnight = Date.UTC(year, month - 1, day);
  const naive = year >= 0 && year < 100 ? new Date(localMidnight).setUTCFullYear(year) : localMidnight;
  // Try the offsets in force around that time; pick the earliest instant that
  // maps to local midnight or later on that date.
  let best = Number.POSITIVE_INFINITY;
  for (const probe of [naive - 36 * 3_600_000, naive, naive + 36 * 3_600_000]) {
    const candidate = naive - zoneOffsetMs(probe, tz);
    const local = candidate + zoneOffsetMs(candidate, tz);
    if (local === naive && candidate < best) best = candidate;
  }
  if (best !== Number.POSITIVE_INFINITY) return best;
  // Midnight falls in a gap: the day starts when the gap ends. Find the
  // transition by bisection between the two candidates.
  let lo = naive - 36 * 3_600_000, hi = naive + 36 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + zoneOffsetMs(mid, tz) >= naive) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Start of the day after the given one, in `tz` (epoch ms). */
export function startOfNextDayInZone(year: number, month: number, day: number, tz: string): number {
  const next = new Date(Date.UTC(2000, month - 1, day + 1));
  const y = year + (next.getUTCFullYear() - 2000);
  return startOfDayInZone(y, next.getUTCMonth() + 1, next.getUTCDate(), tz);
}
