/**
 * Calendar arithmetic and timestamp formatting for generated data, all in the
 * fixed +08:00 offset (Asia/Shanghai has had no DST since 1991).
 *
 * Why not Date/Intl: formatting hundreds of millions of timestamps through
 * them dominates generation time. Days are counted from 1970-01-01 with
 * Howard Hinnant's civil-date algorithms; a timestamp string is a cached
 * per-day prefix plus three two-digit lookups.
 */

export const SHANGHAI_OFFSET_SEC = 8 * 3600;
export const SECONDS_PER_DAY = 86400;

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

const PAD2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

export function pad2(n: number): string {
  return PAD2[n]!;
}

function pad4(n: number): string {
  return n >= 1000 ? String(n) : String(n).padStart(4, '0');
}

/** `YYYY-MM-DD` for a day number. */
export function formatDay(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad4(year)}-${PAD2[month]}-${PAD2[day]}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a `YYYY-MM-DD` string, or undefined when malformed or not a real date. */
export function parseDay(s: string): number | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const days = daysFromCivil(year, month, day);
  const back = civilFromDays(days);
  return back.month === month && back.day === day ? days : undefined;
}

/** Epoch second at which local (+08:00) day `days` starts. */
export function shanghaiDayStart(days: number): number {
  return days * SECONDS_PER_DAY - SHANGHAI_OFFSET_SEC;
}

/** Local (+08:00) day number of an epoch second. */
export function shanghaiDayOf(epochSec: number): number {
  return Math.floor((epochSec + SHANGHAI_OFFSET_SEC) / SECONDS_PER_DAY);
}

/**
 * Formats epoch seconds as `YYYY-MM-DDTHH:MM:SS+08:00`. Keeps the prefix of
 * the last day it saw: generated orders arrive in time order, so nearly every
 * call is three table lookups and one concatenation.
 */
export class ShanghaiTsFormatter {
  private day = Number.NaN;
  private prefix = '';

  format(epochSec: number): string {
    const local = epochSec + SHANGHAI_OFFSET_SEC;
    const day = Math.floor(local / SECONDS_PER_DAY);
    if (day !== this.day) {
      this.day = day;
      this.prefix = formatDay(day) + 'T';
    }
    let sod = local - day * SECONDS_PER_DAY;
    const h = Math.floor(sod / 3600);
    sod -= h * 3600;
    const m = Math.floor(sod / 60);
    return this.prefix + PAD2[h] + ':' + PAD2[m] + ':' + PAD2[sod - m * 60] + '+08:00';
  }
}

