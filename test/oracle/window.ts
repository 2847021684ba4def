/**
 * The oracle's one window calculator: the orders a `<bought>` looks at, from
 * the contract's text alone (no engine code), for the reference model, the
 * SQL translation and the benchmark scenarios alike.
 *
 * - a date-only `from` is the first instant of that day in the zone, a
 *   date-only `to` the last millisecond of that day; a date-time is that instant;
 * - `last="Nh|Nd|Nw"` is asOf - N units < ts <= asOf;
 * - `-N{h|d|w}` as from or to is the instant asOf - N units (contract 7.1); a
 *   relative bound against an absolute one past it is an empty window;
 * - every window is capped at asOf.
 *
 * Stored order timestamps are whole epoch seconds: windowSec gives the
 * inclusive second bounds an order's ts must lie within.
 */
import type { Bound, BoughtNode } from './query-tree.js';
import { endOfDay, parseInstant, startOfDay } from './time.js';

/** The asOf and zone a query runs at. */
export interface EvalCtx {
  asOfMs: number;
  tz: string;
}

/**
 * Epoch ms of a window bound: a date-only `from` starts its local day, a
 * date-only `to` ends it; `-N{h|d|w}` (contract 7.1) is asOf minus N units.
 */
export function boundMs(b: Bound, side: 'from' | 'to', tz: string, asOfMs?: number): number {
  if (b.kind === 'relative') {
    if (asOfMs === undefined) throw new Error('a relative bound needs the asOf');
    return asOfMs - b.n * unitMs(b.unit);
  }
  if (b.kind === 'date') return side === 'from' ? startOfDay(b.date, tz) : endOfDay(b.date, tz);
  const ms = parseInstant(b.text);
  if (ms === undefined) throw new Error(`not an ISO date-time with offset: ${JSON.stringify(b.text)}`);
  return ms;
}

export const unitMs = (unit: 'h' | 'd' | 'w'): number => (unit === 'h' ? 3_600_000 : unit === 'd' ? 86_400_000 : 7 * 86_400_000);

/** A window as inclusive epoch-ms bounds [fromMs, toMs] and an exclusive lower bound afterMs (for `last`). */
export interface WindowMs {
  fromMs: number;
  toMs: number;
  afterMs: number;
}

/** The window of a `<bought>` in epoch ms. `last` together with `from`/`to` is refused. */
export function windowMs(n: BoughtNode, ctx: EvalCtx): WindowMs {
  let fromMs = -Infinity;
  let toMs = ctx.asOfMs; // capped at asOf
  let afterMs = -Infinity; // ts > afterMs (for last)
  if (n.last) {
    if (n.from || n.to) throw new Error('last with from/to');
    afterMs = ctx.asOfMs - n.last.n * unitMs(n.last.unit);
  }
  if (n.from) fromMs = boundMs(n.from, 'from', ctx.tz, ctx.asOfMs);
  if (n.to) toMs = Math.min(toMs, boundMs(n.to, 'to', ctx.tz, ctx.asOfMs));
  return { fromMs, toMs, afterMs };
}

export interface WindowSec {
  /** inclusive epoch seconds; undefined: unbounded below */
  lo?: number;
  /** inclusive epoch seconds */
  hi: number;
}

/**
 * The window of a `<bought>` as inclusive bounds on the stored (whole-second)
 * order ts, capped at asOf; undefined when no second lies in it.
 */
export function windowSec(n: BoughtNode, ctx: EvalCtx): WindowSec | undefined {
  const w = windowMs(n, ctx);
  // stored second s counts when s*1000 >= fromMs, s*1000 <= toMs, s*1000 > afterMs
  let lo: number | undefined;
  if (w.fromMs !== -Infinity) lo = Math.ceil(w.fromMs / 1000);
  if (w.afterMs !== -Infinity) lo = Math.max(lo ?? -Infinity, Math.floor(w.afterMs / 1000) + 1);
  const hi = Math.floor(w.toMs / 1000);
  if (lo !== undefined && lo > hi) return undefined;
  return lo === undefined ? { hi } : { lo, hi };
}
