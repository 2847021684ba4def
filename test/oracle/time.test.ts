import { describe, expect, it } from 'vitest';
import { startOfDay } from './time.js';

const dayStart = (date: string, tz: string): number => startOfDay(date, tz) / 1000;

const iso = (sec: number) => new Date(sec * 1000).toISOString();

describe('oracle startOfDay (the window bounds of the model, the SQL translation and the bench scenarios)', () => {
  it('is local midnight in fixed and DST zones', () => {
    expect(iso(dayStart('2026-11-11', 'Asia/Shanghai'))).toBe('2026-11-10T16:00:00.000Z');
    expect(iso(dayStart('2026-03-08', 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z'); // change at 02:00
    expect(iso(dayStart('2026-03-29', 'Europe/London'))).toBe('2026-03-29T00:00:00.000Z');
  });

  it('is the clock change when a change skips midnight, and the first midnight when it repeats', () => {
    // Santiago springs forward at 00:00 -> 01:00: the day starts at 01:00 -03
    expect(iso(dayStart('2026-09-06', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    // and falls back at 00:00 -> 23:00 the day before: the day starts at 00:00 -04
    expect(iso(dayStart('2026-04-05', 'America/Santiago'))).toBe('2026-04-05T04:00:00.000Z');
  });
});
