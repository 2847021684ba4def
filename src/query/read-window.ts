import type { DurationUnit, TimeBound, Window } from './ast/index.js';
import { parseDateOnly, parseDateTimeWithOffset } from '../model/time.js';
import { queryError } from './query-error.js';
import type { XmlElement } from './xml-tree.js';

/**
 * The time window of a `<bought>` (and of every element that takes one):
 * `from`/`to` (dates, instants or `-N{h|d|w}` before asOf, contract 7.1;
 * both inclusive) or `last="N{h|d|w}"`. Date-only and relative bounds stay
 * as written: the zone and the asOf that turn them into instants may come
 * from the caller, so the planner resolves them (plan/resolve-window.ts).
 */

/** Largest N in `last`: 10 million weeks is far beyond any data, yet safe to multiply. */
export const MAX_LAST_AMOUNT = 10_000_000;

export function readWindow(el: XmlElement): Window {
  const from = el.attrs.get('from');
  const to = el.attrs.get('to');
  const last = el.attrs.get('last');

  if (last !== undefined) {
    if (from !== undefined || to !== undefined) {
      throw queryError('E_CONFLICT', `last cannot be combined with ${from !== undefined ? 'from' : 'to'} on <${el.name}>`, el.pos, 'use either last="N{h|d|w}" or from/to, not both');
    }
    const duration = parseLast(last);
    if (duration === undefined) {
      throw queryError('E_BAD_DURATION', `last="${last}" is not a duration`, el.pos, `write a whole number from 1 to ${MAX_LAST_AMOUNT} followed by h, d or w, e.g. last="30d"`);
    }
    return { kind: 'last', ...duration };
  }
  if (from === undefined && to === undefined) return { kind: 'all' };

  const fromBound = from === undefined ? undefined : readBound(el, 'from', from);
  const toBound = to === undefined ? undefined : readBound(el, 'to', to);
  if (fromBound !== undefined && toBound !== undefined && isAfter(fromBound, toBound)) {
    throw queryError('E_BAD_DATE', `from="${from}" is after to="${to}" on <${el.name}>`, el.pos, 'swap from and to; both bounds are inclusive');
  }
  return {
    kind: 'range',
    ...(fromBound !== undefined ? { from: fromBound } : {}),
    ...(toBound !== undefined ? { to: toBound } : {}),
  };
}

/** `N{h|d|w}` with 1 <= N <= MAX_LAST_AMOUNT, else undefined. */
export function parseLast(text: string): { amount: number; unit: DurationUnit } | undefined {
  const m = /^([1-9][0-9]*)([hdw])$/.exec(text);
  if (!m) return undefined;
  const amount = Number(m[1]);
  return amount <= MAX_LAST_AMOUNT ? { amount, unit: m[2] as DurationUnit } : undefined;
}

/** `-N{h|d|w}` with 0 <= N <= MAX_LAST_AMOUNT (asOf minus N units), else undefined. */
export function parseRelativeBound(text: string): { amount: number; unit: DurationUnit } | undefined {
  const m = /^-(0|[1-9][0-9]*)([hdw])$/.exec(text);
  if (!m) return undefined;
  const amount = Number(m[1]);
  return amount <= MAX_LAST_AMOUNT ? { amount, unit: m[2] as DurationUnit } : undefined;
}

/** A date (`2026-10-01`), a date-time with offset or `-N{h|d|w}` (relative to asOf), else undefined. */
export function parseTimeBound(text: string): TimeBound | undefined {
  const relative = parseRelativeBound(text);
  if (relative !== undefined) return { kind: 'relative', ...relative };
  if (parseDateOnly(text) !== undefined) return { kind: 'date', date: text };
  const ms = parseDateTimeWithOffset(text);
  return ms === undefined ? undefined : { kind: 'instant', ms };
}

function readBound(el: XmlElement, attr: string, text: string): TimeBound {
  const bound = parseTimeBound(text);
  if (bound === undefined) {
    throw queryError('E_BAD_DATE', `${attr}="${text}" is not a date, a date-time with offset or -N{h|d|w}`, el.pos, `write a real date like 2026-10-01, a date-time with offset like 2026-10-01T00:00:00+08:00, or a time before asOf like ${attr}="-90d" (a whole number from 0 to ${MAX_LAST_AMOUNT} of h, d or w)`);
  }
  return bound;
}

const UNIT_HOURS = { h: 1, d: 24, w: 168 } as const;

/**
 * Only bounds of the same kind can be ordered here: a date's instants depend
 * on the zone, which the planner knows and re-checks (a date against an
 * instant, both absolute, is refused there). Two relative bounds are ordered
 * by the text alone (asOf - a is after asOf - b when a < b); a relative bound
 * against an absolute one is decided by the asOf, which is not an error: the
 * planner makes such a window empty when it resolves to from after to.
 */
function isAfter(from: TimeBound, to: TimeBound): boolean {
  if (from.kind === 'instant' && to.kind === 'instant') return from.ms > to.ms;
  if (from.kind === 'date' && to.kind === 'date') return from.date > to.date;
  if (from.kind === 'relative' && to.kind === 'relative') return from.amount * UNIT_HOURS[from.unit] < to.amount * UNIT_HOURS[to.unit];
  return false;
}
