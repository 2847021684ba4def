import type { TimeBound } from './time-bound.js';

/** Unit of a `last` window: hours, days (24h) or weeks (7 * 24h). */
export type DurationUnit = 'h' | 'd' | 'w';

export type Window =
  /** no window attribute: all history up to asOf */
  | { readonly kind: 'all' }
  /** from/to, both inclusive; either may be absent */
  | { readonly kind: 'range'; readonly from?: TimeBound; readonly to?: TimeBound }
  /** asOf - amount*unit < ts <= asOf */
  | { readonly kind: 'last'; readonly amount: number; readonly unit: DurationUnit };
