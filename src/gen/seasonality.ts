/**
 * When orders happen: a day-of-year curve shaped like Chinese e-commerce
 * (618 and Double-11 festivals, Double-12, the Spring Festival logistics
 * lull, busier weekends) and an hour-of-day rhythm (evening peak, dead at
 * 4am, a midnight rush when a festival's flash sales open).
 */
import type { Sfc32 } from './random.js';
import { civilFromDays, daysFromCivil, weekday } from './time-format.js';

/** Lunar New Year's Day by Gregorian year; outside the table no dip is modelled. */
const SPRING_FESTIVAL: Record<number, [number, number]> = {
  2020: [1, 25], 2021: [2, 12], 2022: [2, 1], 2023: [1, 22], 2024: [2, 10], 2025: [1, 29],
  2026: [2, 17], 2027: [2, 6], 2028: [1, 26], 2029: [2, 13], 2030: [2, 3], 2031: [1, 23],
  2032: [2, 11],
};

function springFestivalDay(year: number): number | undefined {
  const md = SPRING_FESTIVAL[year];
  return md ? daysFromCivil(year, md[0], md[1]) : undefined;
}

/** Relative order volume of a local calendar day (1 = an ordinary weekday). */
export function dayWeight(days: number): number {
  const { year, month, day } = civilFromDays(days);
  let w = 1;
  const wd = weekday(days);
  if (wd === 0 || wd === 6) w *= 1.15;
  else if (wd === 5) w *= 1.05;

  if (month === 11) {
    if (day === 11) w *= 12; // Double-11: the year's biggest day by far
    else if (day <= 10) w *= 2.2; // the festival's first wave
    else if (day <= 13) w *= 1.4; // stragglers and returns
  } else if (month === 10 && day >= 20) {
    w *= 1.4; // Double-11 presales
  } else if (month === 6) {
    if (day === 18) w *= 5; // 618 peak
    else if (day < 18) w *= 1.5 + (day / 17) * 0.8; // ramping up through June
  } else if (month === 5 && day === 20) {
    w *= 1.6; // "520", the online Valentine's day
  } else if (month === 12) {
    if (day === 12) w *= 3; // Double-12
    else if (day >= 23 && day <= 25) w *= 1.3;
  } else if (month === 1 && day === 1) {
    w *= 1.2;
  }

  // Spring Festival: stocking up beforehand, couriers off for the holiday
  for (const y of [year, year + 1]) {
    const sf = springFestivalDay(y);
    if (sf === undefined) continue;
    const rel = days - sf;
    if (rel >= -7 && rel <= 6) w *= 0.55;
    else if (rel >= -21 && rel < -7) w *= 1.2;
  }
  return w;
}

/** Days when a flash sale opens at midnight: hour 0 is much busier. */
export function isMidnightRushDay(days: number): boolean {
  const { month, day } = civilFromDays(days);
  return (month === 11 && day === 11) || (month === 6 && day === 18);
}

/** Relative order volume per local hour 0..23. */
export const HOUR_WEIGHTS: readonly number[] = [
  0.9, 0.5, 0.3, 0.18, 0.12, 0.15, 0.3, 0.6, 0.9, 1.1, 1.3, 1.3,
  1.4, 1.3, 1.2, 1.2, 1.2, 1.2, 1.3, 1.6, 2.0, 2.2, 1.9, 1.4,
];

export function hourWeights(midnightRush: boolean): number[] {
  const w = HOUR_WEIGHTS.slice();
  if (midnightRush) w[0] = w[0]! * 10;
  return w;
}

/**
 * Splits `orders` over `numDays` days from `startDay` by the day curve with a
 * little day-to-day noise. Cumulative rounding makes the counts sum exactly to
 * `orders` while each day stays within one order of its share.
 */
export function dailyOrderCounts(startDay: number, numDays: number, orders: number, rng: Sfc32): Float64Array {
  const weights = new Float64Array(numDays);
  let total = 0;
  for (let i = 0; i < numDays; i++) {
    const w = dayWeight(startDay + i) * (0.92 + 0.16 * rng.nextFloat());
    weights[i] = w;
    total += w;
  }
  const counts = new Float64Array(numDays);
  let cum = 0, prev = 0;
  for (let i = 0; i < numDays; i++) {
    cum += weights[i]!;
    const upto = i === numDays - 1 ? orders : Math.round((cum / total) * orders);
    counts[i] = upto - prev;
    prev = upto;
  }
  return counts;
}
