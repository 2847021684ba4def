// The oracle's one time arithmetic (contract-only; no code shared with the
// engine): strict record timestamps, query date-times, local days in a zone
// (brute force over Intl), offsets. Windows are built from these in window.ts.

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Parses an ISO-8601 date-time with a mandatory offset into epoch ms. Throws on anything else. */
export function parseIsoWithOffset(text: string): number {
  const m = ISO_RE.exec(text);
  if (!m) throw new Error(`not an ISO date-time with offset: ${JSON.stringify(text)}`);
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    throw new Error(`date-time out of range: ${text}`);
  }
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  let offMin = 0;
  const off = m[8]!;
  if (off !== 'Z') {
    const sign = off[0] === '-' ? -1 : 1;
    const oh = Number(off.slice(1, 3));
    const om = Number(off.slice(4, 6));
    if (oh > 23 || om > 59) throw new Error(`bad offset: ${text}`);
    offMin = sign * (oh * 60 + om);
  }
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offMin * 60_000;
}

export function isDateOnly(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(Number(m[1]), mo);
}

/** Stored timestamp (epoch seconds) of a raw record ts: ISO with offset or integer epoch ms. */
export function rawTsToSeconds(ts: unknown): number {
  let ms: number;
  if (typeof ts === 'number') {
    if (!Number.isSafeInteger(ts)) throw new Error(`ts must be integer epoch ms: ${ts}`);
    ms = ts;
  } else if (typeof ts === 'string') {
    ms = parseIsoWithOffset(ts);
  } else {
    throw new Error('ts missing');
  }
  return Math.floor(ms / 1000);
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    fmtCache.set(tz, f);
  }
  return f;
}

/** Local wall-clock "YYYY-MM-DD" of an instant in zone tz. */
export function localDate(ms: number, tz: string): string {
  const parts = fmt(tz).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}`;
}

/** Local wall clock "YYYY-MM-DDTHH:MM:SS" of an instant. */
export function localDateTime(ms: number, tz: string): string {
  const parts = fmt(tz).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

/** Offset (minutes east of UTC) of zone tz at instant ms, from Intl wall clock. */
export function offsetMinutesAt(ms: number, tz: string): number {
  const wall = localDateTime(ms, tz);
  const asUtc = parseIsoWithOffset(wall + 'Z');
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

export function addDays(date: string, n: number): string {
  const m = DATE_RE.exec(date)!;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n);
  return new Date(t).toISOString().slice(0, 10);
}

const startCache = new Map<string, number>();
/**
 * First instant (epoch ms) whose local date in tz is >= `date`. Brute force:
 * binary search on whole seconds over a +-30h bracket around UTC midnight,
 * relying only on local date being monotone in the instant.
 */
export function startOfDay(date: string, tz: string): number {
  const key = `${tz}|${date}`;
  const hit = startCache.get(key);
  if (hit !== undefined) return hit;
  if (!isDateOnly(date)) throw new Error(`bad date ${date}`);
  const base = Date.parse(date + 'T00:00:00Z') / 1000;
  let lo = base - 30 * 3600; // local date < date here
  let hi = base + 30 * 3600; // local date >= date here
  if (!(localDate(lo * 1000, tz) < date) || !(localDate(hi * 1000, tz) >= date)) {
    throw new Error(`bracket failed for ${date} ${tz}`);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(mid * 1000, tz) >= date) hi = mid;
    else lo = mid;
  }
  const r = hi * 1000;
  startCache.set(key, r);
  return r;
}

/** Last millisecond of `date` in tz. */
export function endOfDay(date: string, tz: string): number {
  return startOfDay(addDays(date, 1), tz) - 1;
}

/** Renders an instant as ISO with the given fixed offset in minutes, ms included when non-zero. */
export function isoWithOffset(ms: number, offMin: number, forceMs = false): string {
  const local = new Date(ms + offMin * 60_000);
  let s = local.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const frac = s.slice(19, 23);
  s = s.slice(0, 19);
  if (forceMs || frac !== '.000') s += frac;
  const sign = offMin < 0 ? '-' : '+';
  const a = Math.abs(offMin);
  return s + `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function isoZ(ms: number, forceMs = false): string {
  const s = new Date(ms).toISOString();
  return forceMs || s.slice(19, 23) !== '.000' ? s : s.slice(0, 19) + 'Z';
}

// ---------------------------------------------------------------------------
// Lenient date-times (query bounds, asOf, foreign input files) and zone
// offsets: calendar arithmetic without Date objects, offsets from Intl.

const validDate = (y: number, m: number, d: number): boolean => m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);

/** Days since 1970-01-01 of a proleptic Gregorian date (no Date object involved). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * An ISO-8601 date-time; with `Z` or an offset (`+08:00`, `+0800`) its epoch
 * milliseconds. Without an offset: the wall-clock reading as if it were UTC,
 * flagged `local`. Fractions below a millisecond are cut off.
 */
export function parseIsoDateTime(s: string): { ms: number; local: boolean } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!];
  const sec = m[6] === undefined ? 0 : +m[6];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return undefined;
  const frac = m[7] === undefined ? 0 : +(m[7] + '00').slice(0, 3);
  let wall = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + frac;
  const off = m[8];
  if (off === undefined) return { ms: wall, local: true };
  if (off !== 'Z') {
    const digits = off.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2), om = +digits.slice(2);
    if (oh > 23 || om > 59) return undefined;
    wall -= (off[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return { ms: wall, local: false };
}

/** A date-time with offset (the only form asOf and instant bounds take). */
export function parseInstant(s: string): number | undefined {
  const r = parseIsoDateTime(s);
  return r && !r.local ? r.ms : undefined;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', era: 'short',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsFormatters.set(tz, f);
  }
  return f;
}

/** Whether Intl knows the zone `tz`. */
export function isKnownZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `tz` at the instant `ms`, as milliseconds "as if UTC" (whole seconds). */
export function wallClockMs(ms: number, tz: string): number {
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, bc = false;
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      case 'era': bc = p.value === 'BC' || p.value === 'B'; break;
    }
  }
  if (bc) y = 1 - y;
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + s * 1000;
}

/** Offset of `tz` from UTC at instant `ms`, in milliseconds. */
export function offsetMs(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClockMs(whole, tz) - whole;
}

/**
 * A local date-time without offset read in `tz` (for ingest with a zone):
 * a time that occurs twice is the earlier instant, a time in a DST gap is
 * moved forward by the gap (Temporal's "compatible" disambiguation).
 */
export function localToUtcMs(wall: number, tz: string): number {
  const before = offsetMs(wall - 36 * 3_600_000, tz);
  const after = offsetMs(wall + 36 * 3_600_000, tz);
  let best: number | undefined;
  for (const off of before === after ? [before] : [before, after]) {
    const t = wall - off;
    if (t + offsetMs(t, tz) === wall && (best === undefined || t < best)) best = t;
  }
  return best ?? wall - before;
}

/** The last day (YYYY-MM-DD) of the month that `firstOfMonth` starts. */
export function lastDayOfMonth(firstOfMonth: string): string {
  const d = new Date(firstOfMonth + 'T00:00:00Z');
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
}
