/**
 * The eight CRM scenarios, each as a shandian XML segment and an equivalent
 * DuckDB SQL query over the peer's tables (see test/oracle/duckdb.ts). Both sides
 * are built from the same parameters; the SQL gets its window bounds from
 * the oracle's window calculator, test/oracle/window.ts (inclusive epoch
 * seconds, computed without engine code),
 * the XML keeps the dates and `last` durations as a user would write them.
 *
 * SKUs are picked by rank in the data being measured (the catalog grows with
 * the data set, so SKU names differ between sizes; the ranks do not).
 */
import type { DataStats } from './data.js';
import { lastDayOfMonth } from '../../test/oracle/time.js';
import type { BoughtNode } from '../../test/oracle/query-tree.js';
import { windowSec } from '../../test/oracle/window.js';

export const AS_OF = '2026-11-30T23:59:59+08:00';
export const TZ = 'Asia/Shanghai';

export const ONLINE_SHOPS = ['tmall-flagship', 'jd', 'douyin', 'pdd', 'wechat-mini', 'kuaishou', 'xiaohongshu'] as const;
export const OFFLINE_SHOPS = [
  'store-shanghai-01', 'store-shanghai-02', 'store-beijing-01', 'store-xiamen-01',
  'store-xiamen-02', 'store-guangzhou-01', 'store-hangzhou-01', 'store-chengdu-01',
] as const;
/** Dec 2025 .. Nov 2026: the generator's default year */
const MONTHS = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];

export interface Scenario {
  id: string;
  title: string;
  /** the shandian segment (asOf and tz are passed as query options) */
  xml: string;
  /** DuckDB: `SELECT count(DISTINCT customer_id) ...` */
  sql: string;
  /** DuckDB: the member ids (for diagnosing a count mismatch) */
  membersSql: string;
}

// ---------------------------------------------------------------- SQL pieces

/** Inclusive epoch-second bounds on an order's ts; lo is Number.MIN_SAFE_INTEGER when unbounded. */
interface Bounds {
  lo: number;
  hi: number;
}

/** The windows the scenarios use, from the oracle's window calculator at asOf in tz. */
function windows(asOf: string, tz: string): { range(from: string, to?: string): Bounds; lastDays(n: number): Bounds; all(): Bounds } {
  const ctx = { asOfMs: Date.parse(asOf), tz };
  const bounds = (n: BoughtNode): Bounds => {
    const w = windowSec(n, ctx);
    if (w === undefined) throw new Error(`empty window ${JSON.stringify(n)} at ${asOf}`);
    return { lo: w.lo ?? Number.MIN_SAFE_INTEGER, hi: w.hi };
  };
  return {
    /** date-only `from`..`to`, both inclusive, capped at asOf */
    range: (from, to) => bounds({ k: 'bought', from: { kind: 'date', date: from }, ...(to !== undefined ? { to: { kind: 'date' as const, date: to } } : {}) }),
    /** `last="N d"` */
    lastDays: (n) => bounds({ k: 'bought', last: { n, unit: 'd' } }),
    /** no window attribute: all history up to asOf */
    all: () => bounds({ k: 'bought' }),
  };
}

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const inList = (col: string, values: readonly string[]): string =>
  values.length === 1 ? `${col} = ${q(values[0]!)}` : `${col} IN (${values.map(q).join(', ')})`;

interface BoughtSpec {
  w: Bounds;
  sku?: readonly string[];
  category?: readonly string[];
  shop?: readonly string[];
  minCount?: number;
  /** inclusive, integer cents */
  minCents?: number;
}

/**
 * The customers a `<bought>` matches: their counting orders (alive, ts in the
 * window) that have at least one line passing the filters, with the count of
 * those orders and the sum of the matching lines' amounts over thresholds.
 */
function boughtSql(b: BoughtSpec): string {
  const lineFilters = [b.sku && inList('l.sku', b.sku), b.category && inList('l.category', b.category)].filter(Boolean) as string[];
  const needLines = lineFilters.length > 0 || b.minCents !== undefined;
  const o = needLines ? 'o.' : '';
  const where = [`${o}alive`, windowSql(`${o}ts`, b.w)];
  if (b.shop) where.push(inList(`${o}shop`, b.shop));
  where.push(...lineFilters);
  const having: string[] = [];
  if (b.minCount !== undefined && b.minCount > 1) having.push(`count(DISTINCT ${o}order_id) >= ${b.minCount}`);
  if (b.minCents !== undefined) having.push(`sum(l.amount_cents) >= ${b.minCents}`);
  const from = needLines ? 'orders o JOIN lines l ON l.order_id = o.order_id' : 'orders';
  if (having.length === 0) return `SELECT DISTINCT ${o}customer_id FROM ${from} WHERE ${where.join(' AND ')}`;
  return `SELECT ${o}customer_id FROM ${from} WHERE ${where.join(' AND ')} GROUP BY ${o}customer_id HAVING ${having.join(' AND ')}`;
}

function windowSql(col: string, w: Bounds): string {
  return w.lo <= Number.MIN_SAFE_INTEGER ? `${col} <= ${w.hi}` : `${col} BETWEEN ${w.lo} AND ${w.hi}`;
}

const tagSql = (tag: string): string => `SELECT customer_id FROM tags WHERE tag = ${q(tag)}`;
const attrInSql = (name: string, values: readonly string[]): string =>
  `SELECT customer_id FROM attrs WHERE name = ${q(name)} AND ${inList('str_val', values)}`;

/** Set algebra over member queries; INTERSECT and EXCEPT are set (distinct) operations in DuckDB. */
function setExpr(first: string, ...rest: Array<['INTERSECT' | 'EXCEPT', string]>): string {
  return [`(${first})`, ...rest.map(([op, s]) => `${op}\n(${s})`)].join('\n');
}

function scenario(id: string, title: string, xmlBody: string, members: string): Scenario {
  return {
    id,
    title,
    xml: `<segment name="${id}">\n${xmlBody}\n</segment>`,
    sql: `SELECT count(DISTINCT customer_id) FROM (\n${members}\n) AS seg`,
    membersSql: `SELECT DISTINCT customer_id FROM (\n${members}\n) AS seg`,
  };
}

// ---------------------------------------------------------------- scenarios

export function buildScenarios(stats: DataStats): Scenario[] {
  const w = windows(AS_OF, TZ);
  const out: Scenario[] = [];

  // 1. cross-sell: the best-selling sneaker during Double-11, but not the best-selling socks
  {
    const a = stats.topSkuIn('sneakers');
    const b = stats.topSkuIn('socks');
    const win = w.range('2026-11-01', '2026-11-11');
    out.push(scenario('cross-sell', `Cross-sell: bought ${a} (top sneaker) but not ${b} (top socks) during Double-11`,
      `  <bought sku="${a}" from="2026-11-01" to="2026-11-11"/>\n  <not><bought sku="${b}" from="2026-11-01" to="2026-11-11"/></not>`,
      setExpr(boughtSql({ w: win, sku: [a] }), ['EXCEPT', boughtSql({ w: win, sku: [b] })])));
  }

  // 2. repurchase reminder
  out.push(scenario('repurchase-reminder', 'Repurchase reminder: skincare twice in 90 days, not in the last 30',
    `  <bought category="skincare" last="90d" minCount="2"/>\n  <not><bought category="skincare" last="30d"/></not>`,
    setExpr(boughtSql({ w: w.lastDays(90), category: ['skincare'], minCount: 2 }),
      ['EXCEPT', boughtSql({ w: w.lastDays(30), category: ['skincare'] })])));

  // 3. high-value VIP in two cities
  out.push(scenario('high-value-vip', 'High-value VIP: spent over 3,000 yuan this year, tag vip, lives in Xiamen or Shanghai',
    `  <bought from="2026-01-01" minAmount="3000.01"/>\n  <tag name="vip"/>\n  <attr name="city"><value>Xiamen</value><value>Shanghai</value></attr>`,
    setExpr(boughtSql({ w: w.range('2026-01-01'), minCents: 300_001 }),
      ['INTERSECT', tagSql('vip')],
      ['INTERSECT', attrInSql('city', ['Xiamen', 'Shanghai'])])));

  // 4. dormant win-back
  out.push(scenario('dormant-win-back', 'Dormant win-back: 3+ orders ever, none in the last 120 days',
    `  <bought minCount="3"/>\n  <not><bought last="120d"/></not>`,
    setExpr(boughtSql({ w: w.all(), minCount: 3 }), ['EXCEPT', boughtSql({ w: w.lastDays(120) })])));

  // 5. cross-channel
  out.push(scenario('cross-channel', 'Cross-channel: Tmall flagship and an offline store, both in the last 26 weeks',
    `  <bought shop="tmall-flagship" last="26w"/>\n  <bought last="26w">${OFFLINE_SHOPS.map((s) => `<shop>${s}</shop>`).join('')}</bought>`,
    setExpr(boughtSql({ w: w.lastDays(26 * 7), shop: ['tmall-flagship'] }),
      ['INTERSECT', boughtSql({ w: w.lastDays(26 * 7), shop: OFFLINE_SHOPS })])));

  // 6. product family minus a tag
  {
    const family = ['skincare', 'makeup', 'fragrance'];
    out.push(scenario('family-minus-tag', 'Product family minus a tag: skincare, makeup or fragrance in 90 days, not tag newsletter',
      `  <bought last="90d">${family.map((c) => `<category>${c}</category>`).join('')}</bought>\n  <not><tag name="newsletter"/></not>`,
      setExpr(boughtSql({ w: w.lastDays(90), category: family }), ['EXCEPT', tagSql('newsletter')])));
  }

  // 7. RFM champions
  out.push(scenario('rfm-champions', 'RFM champions: ordered in 30 days; 5+ orders and at least 2,000 yuan in 365 days',
    `  <bought last="30d"/>\n  <bought last="365d" minCount="5" minAmount="2000"/>`,
    setExpr(boughtSql({ w: w.lastDays(30) }),
      ['INTERSECT', boughtSql({ w: w.lastDays(365), minCount: 5, minCents: 200_000 })])));

  // 8. a wide OR: the top 50 SKUs, each on one online shop in one month
  {
    const skus = stats.topSkus(50);
    const terms = skus.map((sku, i) => {
      const month = MONTHS[i % MONTHS.length]!;
      const from = `${month}-01`;
      const to = lastDayOfMonth(from);
      return { sku, shop: ONLINE_SHOPS[i % ONLINE_SHOPS.length]!, from, to, b: w.range(from, to) };
    });
    const xml = `  <or>\n${terms.map((t) => `    <bought sku="${t.sku}" shop="${t.shop}" from="${t.from}" to="${t.to}"/>`).join('\n')}\n  </or>`;
    const ors = terms.map((t) => `(l.sku = ${q(t.sku)} AND o.shop = ${q(t.shop)} AND o.ts BETWEEN ${t.b.lo} AND ${t.b.hi})`);
    const members = `SELECT DISTINCT o.customer_id FROM orders o JOIN lines l ON l.order_id = o.order_id\nWHERE o.alive AND (\n  ${ors.join('\n  OR ')}\n)`;
    out.push(scenario('wide-or-50', 'Wide OR: any of 50 (SKU, shop, month) windows over the 50 best-selling SKUs', xml, members));
  }

  return out;
}
