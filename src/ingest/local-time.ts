import { parseDateTimeWithOffset, zoneOffsetMs } from '../model/time.js';

/** ISO-8601 local date-time: like a date-time with offset, minus the offset. */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

const DAY_MS = 86_400_000;

/**
 * Zone offset per (zone, wall date) for days with no transition near them:
 * Intl lookups cost tens of microseconds, and a file of local times is
 * mostly a few thousand distinct days. (Assumes no zone changes its offset
 * and back within three days.)
 */
const steadyDays = new Map<string, number>();

/**
 * A date-time written without offset (`2026-11-11T00:03:12`), read as wall
 * clock time in the IANA zone `tz`; epoch ms, or undefined when malformed.
 * `tz` must already be a valid zone.
 *
 * DST, as Temporal's "compatible" disambiguation (and java.time) do it:
 * - a time that occurs twice (clocks go back) is the earlier instant;
 * - a time that never occurs (clocks go forward) is moved forward by the
 *   length of the gap (02:30 in a 02:00->03:00 jump is 03:30).
 */
export function localDateTimeToMs(s: string, tz: string): number | undefined {
  if (!LOCAL_DATE_TIME.test(s)) return undefined;
  // the wall clock reading as if it were UTC; validates the calendar fields
  const wall = parseDateTimeWithOffset(s + 'Z');
  if (wall === undefined) return undefined;
  const key = `${tz}\n${s.slice(0, 10)}`;
  const known = steadyDays.get(key);
  if (known !== undefined) return wall - known;
  const day = wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
  // every instant of this wall day lies within a day either side of it (offsets are under 24 h)
  const early = zoneOffsetMs(day - DAY_MS, tz);
  if (early === zoneOffsetMs(day + 2 * DAY_MS, tz)) {
    if (steadyDays.size >= 100_000) steadyDays.clear();
    steadyDays.set(key, early);
    return wall - early;
  }
  // offsets in force a day before and a day after bracket any transition
  const before = zoneOffsetMs(wall - DAY_MS, tz);
  const after = zoneOffsetMs(wall + DAY_MS, tz);
  let best: number | undefined;
  for (const offset of [before, after, zoneOffsetMs(wall, tz)]) {
    const candidate: number = wall - offset;
    if (candidate + zoneOffsetMs(candidate, tz) === wall && (best === undefined || candidate < best)) best = candidate;
  }
  // in a gap no offset maps back: keep the offset from before the jump
  return best ?? wall - before;
}
