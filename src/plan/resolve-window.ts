import { ShandianError } from '../model/errors.js';
import { parseDateOnly, startOfDayInZone, startOfNextDayInZone } from '../model/time.js';
import type { Position, TimeBound, Window } from '../query/ast/index.js';

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * A window as written (a `<bought>`'s, or any element's that takes one) as
 * inclusive bounds in epoch seconds, capped at asOf; lo > hi when nothing
 * can be in it (an empty window: callers plan it as empty).
 * Stored timestamps are whole seconds, so `ts >= from` becomes
 * `ts >= ceil(from)` and `ts <= to` becomes `ts <= floor(to)`.
 */
export function resolveWindow(w: Window, pos: Position, asOfMs: number, tz: string): { lo: number; hi: number } {
  const cap = Math.floor(asOfMs / 1000);
  switch (w.kind) {
    case 'all':
      return { lo: Number.NEGATIVE_INFINITY, hi: cap };
    case 'last': {
      // asOf - N*unit < ts  <=>  ts >= floor((asOf - N*unit) / 1000) + 1
      const lo = Math.floor((asOfMs - w.amount * UNIT_MS[w.unit]) / 1000) + 1;
      return { lo, hi: cap };
    }
    case 'range': {
      const fromMs = w.from ? boundMs(w.from, tz, 'start', asOfMs) : Number.NEGATIVE_INFINITY;
      const toMs = w.to ? boundMs(w.to, tz, 'end', asOfMs) : Number.POSITIVE_INFINITY;
      if (fromMs > toMs) {
        // contract 7.1: a relative bound against an absolute one is decided by
        // the asOf, and such a pair is an empty window, not an error
        // (two relative bounds in the wrong order were refused by the reader)
        if (w.from?.kind === 'relative' || w.to?.kind === 'relative') return { lo: cap + 1, hi: cap };
        throw new ShandianError('E_BAD_DATE', `window starts after it ends (from is after to in ${tz})`,
          pos, 'swap from and to');
      }
      return { lo: Math.ceil(fromMs / 1000), hi: Math.min(cap, Math.floor(toMs / 1000)) };
    }
  }
}

/** Epoch ms of a bound; a date-only `to` means the last instant of that day; `-N{h|d|w}` is asOf minus N units. */
function boundMs(b: TimeBound, tz: string, side: 'start' | 'end', asOfMs: number): number {
  if (b.kind === 'instant') return b.ms;
  if (b.kind === 'relative') return asOfMs - b.amount * UNIT_MS[b.unit];
  const d = parseDateOnly(b.date)!;
  return side === 'start'
    ? startOfDayInZone(d.year, d.month, d.day, tz)
    : startOfNextDayInZone(d.year, d.month, d.day, tz) - 1;
}
