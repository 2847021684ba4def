/**
 * The dimensions an order can be filtered on in a `<bought>`, in one place:
 * every layer that handles "sku, category, shop" (query reading, plan keys
 * and estimates, explain, the store's dictionaries and indexes, the scan
 * kernels' masks) loops over this table instead of spelling the three out.
 * The scan kernels' inner loops keep their hand-inlined checks
 * (exec/row-filters.ts lineMatches and its copies) for speed: those are
 * checked against a plain reference by test/exec/kernels.test.ts.
 *
 * Plain strings only: the model layer imports nothing, so plan, exec,
 * store, query and engine can all import it.
 */
export const ORDER_DIMENSIONS = [
  // name: the XML attribute and element, and explain's word; field: the list's key on a
  // <bought> (BoughtNode, BoughtPlan), the Catalog dictionary and the snapshot's catalog.json key;
  // index: the Shard's DimensionIndex; level: whether each line has its own value or the order has one;
  // check: the BoughtTask mask for it when it is not the driving posting
  { name: 'sku', field: 'skus', index: 'bySku', level: 'line', check: 'checkSku' },
  { name: 'category', field: 'categories', index: 'byCategory', level: 'line', check: 'checkCategory' },
  { name: 'shop', field: 'shops', index: 'byShop', level: 'order', check: 'checkShop' },
] as const;

export type OrderDimension = (typeof ORDER_DIMENSIONS)[number];
/** 'sku' | 'category' | 'shop' */
export type DimensionName = OrderDimension['name'];
/** 'skus' | 'categories' | 'shops' */
export type DimensionField = OrderDimension['field'];
/** A `<bought>`'s value lists, each optional (absent: any value). */
export type DimensionFilters = { readonly [K in DimensionField]?: readonly string[] };
