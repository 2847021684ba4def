import type { DurationUnit } from './window.js';

/**
 * A window bound as written. Date-only bounds are resolved against the
 * query's time zone at plan time, because the zone can come from the caller;
 * relative bounds (`-N{h|d|w}`, contract 7.1) against the query's asOf.
 */
export type TimeBound =
  | { readonly kind: 'instant'; /** epoch milliseconds */ readonly ms: number }
  | { readonly kind: 'date'; /** YYYY-MM-DD, validated */ readonly date: string }
  /** asOf minus amount units (amount >= 0) */
  | { readonly kind: 'relative'; readonly amount: number; readonly unit: DurationUnit };
