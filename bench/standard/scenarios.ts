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
import { sampleBucketSql } from '../../test/oracle/sql.js';

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

  out.push(...crmScenarios(stats, w));
  return out;
}

// ---------------------------------------------------------------- part two (contract 7): the CRM primitives

/** Counting orders (alive, ts in the window) with a line passing the filters: (customer_id, order_id, ts). */
function matchingOrdersSql(b: Omit<BoughtSpec, 'minCount' | 'minCents'>): string {
  const where = ['o.alive', windowSql('o.ts', b.w)];
  if (b.shop) where.push(inList('o.shop', b.shop));
  if (b.sku) where.push(inList('l.sku', b.sku));
  if (b.category) where.push(inList('l.category', b.category));
  return `SELECT DISTINCT o.customer_id, o.order_id, o.ts FROM orders o JOIN lines l ON l.order_id = o.order_id WHERE ${where.join(' AND ')}`;
}

/**
 * `<score>` (7.5) over all counting orders of the window: v per customer,
 * L = rank() - 1 (the number of smaller values, ties equal), then
 * min(k, 1 + floor(k L / |P|)) in integer arithmetic.
 */
function scaleScoreSql(v: string, w: Bounds, k: number, min: number): string {
  return `SELECT customer_id FROM (
  SELECT customer_id, least(${k}, 1 + (${k} * (rank() OVER (ORDER BY v) - 1)) // (count(*) OVER ())) AS score
  FROM (SELECT o.customer_id, ${v} AS v FROM orders o JOIN lines l ON l.order_id = o.order_id WHERE o.alive AND ${windowSql('o.ts', w)} GROUP BY o.customer_id) AS vals
) AS scored WHERE score >= ${min}`;
}

/** The scenarios of the CRM primitives, each with DuckDB SQL written from the contract. */
function crmScenarios(stats: DataStats, w: ReturnType<typeof windows>): Scenario[] {
  const out: Scenario[] = [];
  const asOf = w.all().hi;
  const days = (n: number) => n * 86_400;

  // new customers: their first order ever is in the last 30 days
  out.push(scenario('new-customers', 'New customers: first order in the last 30 days (<firstOrder>)',
    `  <firstOrder last="30d"/>`,
    `SELECT customer_id FROM orders WHERE alive AND ts <= ${asOf} GROUP BY customer_id HAVING min(ts) >= ${w.lastDays(30).lo}`));

  // lapsed: the last order is 90 to 365 days old
  out.push(scenario('lapsed', 'Lapsed: last order between 365 and 90 days ago (<lastOrder> with relative bounds)',
    `  <lastOrder from="-365d" to="-90d"/>`,
    `SELECT customer_id FROM orders WHERE alive AND ts <= ${asOf} GROUP BY customer_id HAVING max(ts) BETWEEN ${asOf - days(365)} AND ${asOf - days(90)}`));

  // a campaign minus a 10% holdout that never moves
  out.push(scenario('campaign-holdout', 'Campaign minus a 10% holdout: skincare in 90 days, not in sample spring-24 0-10% (<sample>)',
    `  <bought category="skincare" last="90d"/>
  <not><sample seed="spring-24" from="0" to="10"/></not>`,
    setExpr(boughtSql({ w: w.lastDays(90), category: ['skincare'] }),
      ['EXCEPT', `SELECT customer_id FROM customers WHERE ${sampleBucketSql('spring-24', 'customer_id')} < 1000`])));

  // bulk buyers: 6+ units of snacks this year
  out.push(scenario('bulk-buyer', 'Bulk buyer: 6 or more units of snacks in 365 days (minQuantity)',
    `  <bought category="snacks" last="365d" minQuantity="6"/>`,
    `SELECT o.customer_id FROM orders o JOIN lines l ON l.order_id = o.order_id WHERE o.alive AND ${windowSql('o.ts', w.lastDays(365))} AND l.category = 'snacks' GROUP BY o.customer_id HAVING sum(l.quantity) >= 6`));

  // RFM champions with <score>: quintiles 4-5 on recency, frequency and monetary of the year
  {
    const y = w.lastDays(365);
    out.push(scenario('rfm-score', 'RFM champions by score: recency, frequency and monetary each in the top two quintiles of the year (<score>)',
      `  <score by="recency" last="365d" min="4"/>
  <score by="frequency" last="365d" min="4"/>
  <score by="monetary" last="365d" min="4"/>`,
      setExpr(scaleScoreSql('max(o.ts)', y, 5, 4),
        ['INTERSECT', scaleScoreSql('count(DISTINCT o.order_id)', y, 5, 4)],
        ['INTERSECT', scaleScoreSql('sum(l.amount_cents)', y, 5, 4)])));
  }

  // spend layer with cuts: 5,000 to 19,999.99 yuan this year
  out.push(scenario('spend-layer', 'Spend layer: 5,000 to 19,999.99 yuan in 365 days (<score cuts>)',
    `  <score by="monetary" last="365d" cuts="1000,5000,20000" min="3" max="3"/>`,
    `SELECT o.customer_id FROM orders o JOIN lines l ON l.order_id = o.order_id WHERE o.alive AND ${windowSql('o.ts', w.lastDays(365))} GROUP BY o.customer_id HAVING sum(l.amount_cents) >= 500000 AND sum(l.amount_cents) < 2000000`));

  // phone then a case within 30 days (strictly later)
  {
    const phone = stats.topSkuIn('phones');
    const y = w.lastDays(365);
    const a = matchingOrdersSql({ w: y, sku: [phone] }), b = matchingOrdersSql({ w: y, category: ['phone-accessories'] });
    out.push(scenario('phone-then-case', `Phone then accessory: ${phone}, then a phone accessory within 30 days, in the last year (<sequence>)`,
      `  <sequence within="30d" last="365d">
    <step sku="${phone}"/>
    <step category="phone-accessories"/>
  </sequence>`,
      `SELECT DISTINCT a.customer_id FROM (${a}) a JOIN (${b}) b ON b.customer_id = a.customer_id AND b.ts > a.ts AND b.ts - a.ts <= ${days(30)}`));
    // phone and no accessory after it within 30 days (the 30 days fully passed)
    const any = matchingOrdersSql({ w: { lo: Number.MIN_SAFE_INTEGER, hi: asOf }, category: ['phone-accessories'] });
    out.push(scenario('phone-no-case', `Phone, no accessory: ${phone} and no phone accessory in the 30 days after it (<sequence> with <absent>)`,
      `  <sequence within="30d" last="365d">
    <step sku="${phone}"/>
    <absent category="phone-accessories"/>
  </sequence>`,
      `SELECT DISTINCT a.customer_id FROM (${a}) a WHERE a.ts + ${days(30)} <= ${asOf}
  AND NOT EXISTS (SELECT 1 FROM (${any}) b WHERE b.customer_id = a.customer_id AND b.ts > a.ts AND b.ts <= a.ts + ${days(30)})`));
  }
  return out;
}
