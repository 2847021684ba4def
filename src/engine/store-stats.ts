import type { PlanStats } from '../plan/plan-stats.js';
import type { Store } from '../store/store.js';
import type { Dictionary } from '../store/dictionary.js';
import { ORDER_DIMENSIONS } from '../model/order-dimensions.js';

/** Size estimates for the planner, summed over shards. */
export function storeStats(store: Store): PlanStats {
  const { catalog, shards } = store;
  const ids = (values: readonly string[], dict: Dictionary) =>
    values.map((v) => dict.lookup(v)).filter((id): id is number => id !== undefined);
  return {
    universe: () => store.customerCount,
    boughtRows: (filters) => {
      let best = Number.POSITIVE_INFINITY;
      for (const d of ORDER_DIMENSIONS) {
        const values = filters[d.field];
        if (!values) continue;
        const list = ids(values, catalog[d.field]);
        const rows = shards.reduce((n, s) => n + s[d.index].rowCount(list), 0);
        best = Math.min(best, rows);
      }
      return Number.isFinite(best) ? best : store.orderCount;
    },
    tagHolders: (name) => {
      const id = catalog.tags.lookup(name);
      return id === undefined ? 0 : shards.reduce((n, s) => n + s.tags.holders(id).size, 0);
    },
    attributeHolders: (name) => shards.reduce((n, s) => n + (s.attributes.get(name)?.exists().size ?? 0), 0),
  };
}
