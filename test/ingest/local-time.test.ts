import { describe, expect, it } from 'vitest';
import { localDateTimeToMs } from '../../src/ingest/local-time.js';
import { zoneOffsetMs } from '../../src/model/time.js';

const HOUR = 3_600_000;
const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Pacific/Apia', 'Asia/Kathmandu', 'UTC'];

/** Wall clock text for `wall` ms (the wall reading expressed as if UTC). */
const text = (wall: number) => new Date(wall).toISOString().slice(0, 19);

/** What the answer must be, found by brute force over every offset in force nearby. */
function expected(wall: number, tz: string): number {
  const offsets = new Set<number>();
  for (let t = wall - 2 * 24 * HOUR; t <= wall + 2 * 24 * HOUR; t += HOUR / 2) offsets.add(zoneOffsetMs(t, tz));
  const valid = [...offsets].map((o) => wall - o).filter((c) => c + zoneOffsetMs(c, tz) === wall);
  if (valid.length) return Math.min(...valid);
  // a gap: the offset in force before the jump carries the time past it
  let before = 0;
  for (let t = wall - 2 * 24 * HOUR; t + zoneOffsetMs(t, tz) <= wall; t += HOUR / 4) before = zoneOffsetMs(t, tz);
  return wall - before;
}

describe('localDateTimeToMs', () => {
  it('matches brute force across zones with DST, half-hour shifts and a skipped day', () => {
    const wrong: string[] = [];
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const tz of ZONES) {
      const walls: number[] = [];
      for (let i = 0; i < 300; i++) walls.push(Date.UTC(1995, 0, 1) + Math.floor(rand() * 35 * 365 * 24 * 4) * 15 * 60_000);
      // every quarter hour of the days around known transitions
      for (const day of [Date.UTC(2026, 2, 8), Date.UTC(2026, 10, 1), Date.UTC(2026, 2, 29), Date.UTC(2026, 9, 25), Date.UTC(2026, 3, 5), Date.UTC(2026, 9, 4), Date.UTC(2011, 11, 29), Date.UTC(2011, 11, 30), Date.UTC(2011, 11, 31)]) {
        for (let q = 0; q < 96; q++) walls.push(day + q * 15 * 60_000);
      }
      for (const wall of walls) {
        const got = localDateTimeToMs(text(wall), tz);
        const want = expected(wall, tz);
        if (got !== want) wrong.push(`${tz} ${text(wall)}: got ${got}, want ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps fractions of a second', () => {
    expect(localDateTimeToMs('2026-11-11T08:00:00.123456', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 11) + 123);
  });

  it('refuses malformed text', () => {
    for (const s of ['2026-11-11', '2026-11-11T08:00:00Z', '2026-11-11T08:00:00+08:00', '2026-02-29T00:00:00', '2026-11-11T25:00:00', ' 2026-11-11T08:00:00']) {
      expect(localDateTimeToMs(s, 'UTC'), s).toBeUndefined();
    }
  });
});
