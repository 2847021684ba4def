import { ShandianError } from './errors.js';
import { isValidTimeZone, parseDateTimeWithOffset } from './time.js';

/**
 * A query's `asOf` and `tz` options as every backend reads them (the
 * in-process Engine and the ClickHouse one): one rule, one set of errors.
 */

/** An IANA zone name, or undefined; anything else is E_BAD_TZ. */
export function checkTz(tz: string | undefined): string | undefined {
  if (tz !== undefined && (typeof tz !== 'string' || !isValidTimeZone(tz))) {
    throw new ShandianError('E_BAD_TZ', `unknown time zone ${JSON.stringify(tz)}`, {}, 'use an IANA name such as Asia/Shanghai');
  }
  return tz;
}

/** Epoch ms of `asOf` (a Date, epoch ms, or an ISO-8601 date-time with offset); `now` when absent; otherwise E_BAD_DATE. */
export function resolveAsOf(asOf: string | number | Date | undefined, now: () => number = Date.now): number {
  if (asOf === undefined) return now();
  if (asOf instanceof Date && Number.isFinite(asOf.getTime())) return asOf.getTime();
  if (typeof asOf === 'number' && Number.isFinite(asOf)) return Math.trunc(asOf);
  if (typeof asOf === 'string') {
    const ms = parseDateTimeWithOffset(asOf);
    if (ms !== undefined) return ms;
  }
  throw new ShandianError('E_BAD_DATE', `asOf ${JSON.stringify(String(asOf))} is not a date-time with offset`, {},
    'write it like 2026-11-12T00:00:00+08:00, or pass epoch milliseconds');
}
