import type { DimensionFilters } from '../model/order-dimensions.js';

/** What the planner may ask the store to estimate sizes (customers, upper bounds). */
export interface PlanStats {
  /** number of known customers */
  universe(): number;
  /** line rows that carry the filter values (undefined list = any) */
  boughtRows(filters: DimensionFilters): number;
  tagHolders(name: string): number;
  attributeHolders(name: string): number;
}
