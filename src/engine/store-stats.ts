import type { PlanStats } from '../plan/plan-stats.js';
import type { Store } from '../store/store.js';
import type { Dictionary } from '../store/dictionary.js';

/** Size estimates for the planner, summed over shards. */
export function storeStats(store: Store): PlanStats {
  const { catalog, shards } = store;
  const ids = (values: readonly string[], dict: Dictionary) =>
    values.map((v) => dict.lookup(v)).filter((id): id is number => id !== undefined);
  return {
    universe: () => store.customerCount,
    boughtRows: ({ skus, categories, shops }) => {
      let best = Number.POSITIVE_INFINITY;
      const dims = [
        skus && { list: ids(skus, catalog.skus), pick: 'bySku' as const },
        categories && { list: ids(categories, catalog.categories), pick: 'byCategory' as const },
        shops && { list: ids(shops, catalog.shops), pick: 'byShop' as const },
      ];
      for (const d of dims) {
        if (!d) continue;
        const rows = shards.reduce((n, s) => n + s[d.pick].rowCount(d.list), 0);
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
