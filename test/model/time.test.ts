import { describe, expect, it } from 'vitest';
import { startOfDayInZone } from '../../src/model/time.js';

/** The local calendar date of an instant in a zone, by Intl alone (independent of src/model/time.ts). */
function localDate(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

describe('startOfDayInZone (memoised)', () => {
  const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago', 'UTC'];
  it('is the first instant of that local date, asked once or many times, in any order', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 600; i++) {
      const tz = zones[rnd(zones.length)]!;
      const year = 2000 + rnd(40), month = 1 + rnd(12), day = 1 + rnd(28);
      const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const first = startOfDayInZone(year, month, day, tz);
      expect(startOfDayInZone(year, month, day, tz)).toBe(first); // from the memo
      expect(localDate(first, tz)).toBe(text);
      expect(localDate(first - 1, tz)).not.toBe(text);
    }
  });
});
