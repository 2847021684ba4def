import { describe, expect, it } from 'vitest';
import { formatCents } from '../../src/gen/money.js';
import {
  civilFromDays,
  daysFromCivil,
  formatDay,
  parseDay,
  shanghaiDayOf,
  shanghaiDayStart,
  ShanghaiTsFormatter,
  weekday,
} from '../../src/gen/time-format.js';
import { createRng } from '../../src/gen/random.js';

/** Reference formatting through Date (slow, obviously right). */
function reference(epochSec: number): string {
  return new Date((epochSec + 8 * 3600) * 1000).toISOString().slice(0, 19) + '+08:00';
}

describe('time formatting', () => {
  it('matches Date for random instants, in and out of order', () => {
    const f = new ShanghaiTsFormatter();
    const r = createRng(1, 'ts');
    const base = Date.UTC(2000, 0, 1) / 1000;
    for (let i = 0; i < 20_000; i++) {
      const s = base + Math.floor(r.nextFloat() * 60 * 365 * 86400);
      expect(f.format(s)).toBe(reference(s));
    }
    for (const s of [0, 1_798_732_799, 1_798_732_800, 1_767_196_799, 1_767_196_800]) expect(f.format(s)).toBe(reference(s));
  });

  it('round-trips civil dates and day numbers', () => {
    for (let d = -800_000; d <= 800_000; d += 997) {
      const c = civilFromDays(d);
      expect(daysFromCivil(c.year, c.month, c.day)).toBe(d);
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(formatDay(daysFromCivil(2026, 11, 11))).toBe('2026-11-11');
    expect(weekday(daysFromCivil(2026, 11, 11))).toBe(3); // a Wednesday
  });

  it('parses YYYY-MM-DD strictly', () => {
    expect(parseDay('2025-12-01')).toBe(daysFromCivil(2025, 12, 1));
    expect(parseDay('2024-02-29')).toBe(daysFromCivil(2024, 2, 29));
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-01', '2025-12-01T00:00', '', '2025-00-10']) {
      expect(parseDay(bad)).toBeUndefined();
    }
  });

  it('maps local days to instants in +08:00', () => {
    const d = daysFromCivil(2026, 11, 11);
    expect(shanghaiDayStart(d)).toBe(Date.parse('2026-11-11T00:00:00+08:00') / 1000);
    expect(shanghaiDayOf(shanghaiDayStart(d))).toBe(d);
    expect(shanghaiDayOf(shanghaiDayStart(d) - 1)).toBe(d - 1);
  });

  it('formats cents with two decimals', () => {
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(29900)).toBe('299.00');
    expect(formatCents(1999)).toBe('19.99');
    expect(formatCents(123456789)).toBe('1234567.89');
  });
});
