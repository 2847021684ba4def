/**
 * What is sold and where: categories with typical prices, SKUs with one
 * category and a fixed price each and Zipf-like popularity, and sales
 * channels of very different sizes (marketplaces, social commerce, a few
 * offline stores that only trade in opening hours).
 */
import type { Sfc32 } from './random.js';
import { AliasTable, zipfWeights } from './sampling.js';

interface CategorySpec {
  name: string;
  /** typical unit price in yuan */
  price: number;
  /** relative number of SKUs in the assortment */
  breadth: number;
}

const CATEGORIES: readonly CategorySpec[] = [
  { name: 'shoes', price: 399, breadth: 6 },
  { name: 'sneakers', price: 599, breadth: 4 },
  { name: 'dresses', price: 299, breadth: 6 },
  { name: 'tops', price: 129, breadth: 8 },
  { name: 'jeans', price: 199, breadth: 4 },
  { name: 'outerwear', price: 599, breadth: 4 },
  { name: 'underwear', price: 79, breadth: 3 },
  { name: 'socks', price: 29, breadth: 2 },
  { name: 'bags', price: 399, breadth: 3 },
  { name: 'accessories', price: 99, breadth: 3 },
  { name: 'watches', price: 1299, breadth: 1.5 },
  { name: 'jewelry', price: 899, breadth: 1.5 },
  { name: 'phones', price: 3999, breadth: 1 },
  { name: 'laptops', price: 5999, breadth: 0.8 },
  { name: 'tablets', price: 2999, breadth: 0.6 },
  { name: 'headphones', price: 399, breadth: 1.5 },
  { name: 'smart-home', price: 299, breadth: 1.5 },
  { name: 'cameras', price: 4999, breadth: 0.5 },
  { name: 'gaming', price: 899, breadth: 1 },
  { name: 'phone-accessories', price: 49, breadth: 3 },
  { name: 'skincare', price: 259, breadth: 5 },
  { name: 'makeup', price: 159, breadth: 5 },
  { name: 'fragrance', price: 499, breadth: 1.5 },
  { name: 'haircare', price: 69, breadth: 2 },
  { name: 'personal-care', price: 49, breadth: 2 },
  { name: 'snacks', price: 29, breadth: 6 },
  { name: 'beverages', price: 39, breadth: 3 },
  { name: 'tea', price: 129, breadth: 2 },
  { name: 'coffee', price: 89, breadth: 1.5 },
  { name: 'dairy', price: 69, breadth: 1.5 },
  { name: 'fresh-produce', price: 59, breadth: 3 },
  { name: 'baby-formula', price: 299, breadth: 1 },
  { name: 'diapers', price: 159, breadth: 1 },
  { name: 'toys', price: 129, breadth: 3 },
  { name: 'books', price: 49, breadth: 4 },
  { name: 'kitchenware', price: 149, breadth: 3 },
  { name: 'home-textiles', price: 199, breadth: 2 },
  { name: 'furniture', price: 1299, breadth: 1.5 },
  { name: 'pet-food', price: 169, breadth: 1.5 },
  { name: 'sports', price: 199, breadth: 3 },
  { name: 'outdoor', price: 299, breadth: 2 },
  { name: 'supplements', price: 199, breadth: 2 },
];

interface ShopSpec {
  name: string;
  /** relative order volume */
  share: number;
  /** offline stores only take orders 10:00-21:59 local time */
  offline: boolean;
}

const SHOPS: readonly ShopSpec[] = [
  { name: 'tmall-flagship', share: 30, offline: false },
  { name: 'jd', share: 20, offline: false },
  { name: 'douyin', share: 14, offline: false },
  { name: 'pdd', share: 10, offline: false },
  { name: 'wechat-mini', share: 7, offline: false },
  { name: 'kuaishou', share: 4, offline: false },
  { name: 'xiaohongshu', share: 3, offline: false },
  { name: 'store-shanghai-01', share: 1.2, offline: true },
  { name: 'store-beijing-01', share: 1.0, offline: true },
  { name: 'store-shanghai-02', share: 0.8, offline: true },
  { name: 'store-xiamen-01', share: 0.6, offline: true },
  { name: 'store-guangzhou-01', share: 0.5, offline: true },
  { name: 'store-hangzhou-01', share: 0.5, offline: true },
  { name: 'store-chengdu-01', share: 0.4, offline: true },
  { name: 'store-xiamen-02', share: 0.15, offline: true },
];

export const CATEGORY_NAMES: readonly string[] = CATEGORIES.map((c) => c.name);
export const SHOP_NAMES: readonly string[] = SHOPS.map((s) => s.name);

/** First and last local hour in which offline stores trade. */
export const STORE_OPEN_HOUR = 10;
export const STORE_CLOSE_HOUR = 21;

/** Zipf exponent of SKU popularity: the top 1% of SKUs take ~35-45% of lines. */
const SKU_ZIPF_S = 0.9;

/** SKU count for an order count: about orders/20, clamped to [50, 200000]. */
export function skuCountFor(orders: number): number {
  return Math.min(200_000, Math.max(50, Math.round(orders / 20)));
}

export function skuName(index: number): string {
  return 'SKU-' + String(index).padStart(6, '0');
}

/** A shelf price in cents: whole yuan ending in 9 above 100, else x.90 or x.99. */
function shelfPriceCents(yuan: number, rng: Sfc32): number {
  if (yuan >= 100) return (Math.max(10, Math.round(yuan / 10) * 10) - 1) * 100;
  const whole = Math.max(2, Math.ceil(yuan));
  return rng.chance(0.25) ? whole * 100 - 1 : whole * 100 - 10;
}

export class Catalog {
  readonly skuNames: string[];
  /** category index of each SKU */
  readonly skuCategory: Uint16Array;
  /** unit price of each SKU in cents */
  readonly skuPriceCents: Uint32Array;
  readonly categoryNames: readonly string[] = CATEGORY_NAMES;
  readonly shopNames: readonly string[] = SHOP_NAMES;
  /** SKU index by popularity */
  private readonly skuPicker: AliasTable;
  /** any shop, for hours when stores are open */
  private readonly anyShop: AliasTable;
  /** online shops only, for night hours */
  private readonly onlineShop: AliasTable;

  constructor(skuCount: number, rng: Sfc32) {
    const categoryPicker = new AliasTable(CATEGORIES.map((c) => c.breadth));
    this.skuNames = new Array<string>(skuCount);
    this.skuCategory = new Uint16Array(skuCount);
    this.skuPriceCents = new Uint32Array(skuCount);
    for (let i = 0; i < skuCount; i++) {
      const cat = categoryPicker.sample(rng);
      this.skuNames[i] = skuName(i);
      this.skuCategory[i] = cat;
      // log-normal-ish spread around the category's typical price
      const yuan = CATEGORIES[cat]!.price * Math.exp(0.55 * rng.nextGaussianish());
      this.skuPriceCents[i] = shelfPriceCents(yuan, rng);
    }
    // popularity ranks shuffled over SKU ids (Fisher-Yates) so ids say nothing
    const rankWeights = zipfWeights(skuCount, SKU_ZIPF_S);
    const order = new Uint32Array(skuCount);
    for (let i = 0; i < skuCount; i++) order[i] = i;
    for (let i = skuCount - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const bySku = new Float64Array(skuCount);
    for (let k = 0; k < skuCount; k++) bySku[order[k]!] = rankWeights[k]!;
    this.skuPicker = new AliasTable(bySku);
    this.anyShop = new AliasTable(SHOPS.map((s) => s.share));
    this.onlineShop = new AliasTable(SHOPS.map((s) => (s.offline ? 0 : s.share)));
  }

  get skuCount(): number {
    return this.skuNames.length;
  }

  pickSku(rng: Sfc32): number {
    return this.skuPicker.sample(rng);
  }

  pickShop(rng: Sfc32, localHour: number): number {
    return localHour >= STORE_OPEN_HOUR && localHour <= STORE_CLOSE_HOUR
      ? this.anyShop.sample(rng)
      : this.onlineShop.sample(rng);
  }
}
