/**
 * A window bound as written. Date-only bounds are resolved against the
 * query's time zone at plan time, because the zone can come from the caller.
 */
export type TimeBound =
  | { readonly kind: 'instant'; /** epoch milliseconds */ readonly ms: number }
  | { readonly kind: 'date'; /** YYYY-MM-DD, validated */ readonly date: string };
