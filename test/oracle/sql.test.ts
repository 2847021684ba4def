/**
 * The oracle's XML reader (xml-query.ts) and SQL translation (sql.ts), as
 * bench/foreign/foreign.ts uses them, checked
 * against member sets computed by hand on a tiny data set (no engine
 * involved: if these pass, a count mismatch in bench:foreign points at the
 * engine, or at a contract reading worth discussing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckPeer, type OracleRecord as GenRecord } from './duckdb.js';
import type { BoughtNode } from './query-tree.js';
import { translateXml } from './sql.js';
import { localToUtcMs, parseIsoDateTime, startOfDay } from './time.js';
import { windowSec } from './window.js';
import { parseQuery, TranslateError } from './xml-query.js';

const localDayStartSec = (date: string, tz: string): number => startOfDay(date, tz) / 1000;

const AS_OF = '2026-11-12T00:00:00+08:00';
const AS_OF_MS = Date.parse(AS_OF);
const TZ = 'Asia/Shanghai';

const line = (sku: string, category: string, amount: string) => ({ sku, category, quantity: 1, amount });
const order = (order_id: string, customer_id: string, ts: string, shop: string, lines: ReturnType<typeof line>[], status: 'paid' | 'refunded' = 'paid') =>
  ({ type: 'order', order_id, customer_id, ts, shop, status, lines }) as GenRecord;

/**
 * a: A+B on Nov 1 (tmall), A on Nov 11 23:59:59 (jd), B after asOf; age 25, city set then deleted
 * b: B on Nov 1 02:00 +08 (= Oct 31 UTC), A on Nov 5 refunded later; tag vip added then removed, newsletter
 * c: C refunded at ingest on Nov 10, C on Sep 1
 * d: attributes only (Xiamen, age 31, level gold)
 * e: tag vip; age "31" (a string), level 3 (a number)
 * f: one order after asOf only
 * g: one order exactly at asOf - 1 day; h: one order exactly at asOf
 */
const RECORDS: GenRecord[] = [
  order('o1', 'a', '2026-11-01T10:00:00+08:00', 'tmall', [line('A', 'shoes', '100.00'), line('B', 'socks', '20.00')]),
  order('o2', 'a', '2026-11-11T23:59:59+08:00', 'jd', [line('A', 'shoes', '150.00')]),
  order('o3', 'a', '2026-11-12T00:00:01+08:00', 'tmall', [line('B', 'socks', '10.00')]),
  order('o4', 'b', '2026-11-01T02:00:00+08:00', 'tmall', [line('B', 'socks', '30.00')]),
  order('o5', 'b', '2026-11-05T12:00:00+08:00', 'tmall', [line('A', 'shoes', '99.99')]),
  { type: 'refund', order_id: 'o5' } as GenRecord,
  order('o6', 'c', '2026-11-10T00:00:00+08:00', 'store-x', [line('C', 'hats', '500.00')], 'refunded'),
  order('o7', 'c', '2026-09-01T09:00:00+08:00', 'store-x', [line('C', 'hats', '10.00')]),
  order('o8', 'f', '2026-11-11T20:00:00Z', 'jd', [line('A', 'shoes', '1.00')]),
  order('o9', 'g', '2026-11-11T00:00:00+08:00', 'jd', [line('D', 'bags', '5.00')]),
  order('o10', 'h', '2026-11-12T00:00:00+08:00', 'jd', [line('D', 'bags', '5.00')]),
  { type: 'customer', customer_id: 'a', attrs: { age: 25, city: 'Shanghai' } } as unknown as GenRecord,
  { type: 'customer', customer_id: 'a', attrs: { city: null } } as unknown as GenRecord,
  { type: 'customer', customer_id: 'd', attrs: { city: 'Xiamen', age: 31, level: 'gold' } } as unknown as GenRecord,
  { type: 'customer', customer_id: 'e', attrs: { age: '31', level: 3 } } as unknown as GenRecord,
  { type: 'customer', customer_id: 'd', attrs: { note: 'l1\nl2\r\n' } } as unknown as GenRecord,
  { type: 'tag', customer_id: 'b', tag: 'vip', op: 'add' } as GenRecord,
  { type: 'tag', customer_id: 'b', tag: 'newsletter', op: 'add' } as GenRecord,
  { type: 'tag', customer_id: 'e', tag: 'vip', op: 'add' } as GenRecord,
  { type: 'tag', customer_id: 'b', tag: 'vip', op: 'remove' } as GenRecord,
];
const EVERYONE = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

let peer: DuckPeer;

beforeAll(async () => {
  peer = await DuckPeer.create();
  await peer.load([RECORDS]);
});

afterAll(() => peer?.close());

const seg = (body: string, attrs = ''): string => `<segment${attrs}>${body}</segment>`;

async function members(body: string, options: { tz?: string; attrs?: string; refs?: Record<string, string> } = {}): Promise<string[]> {
  const refs = options.refs;
  const t = translateXml(seg(body, options.attrs), {
    asOfMs: AS_OF_MS,
    tz: options.tz ?? TZ,
    ...(refs ? { resolveRef: (n: string) => refs[n] } : {}),
  });
  const ids = (await peer.members(t.membersSql)).sort();
  expect(await peer.count(t.countSql)).toBe(ids.length);
  return ids;
}

describe('bought: filters and windows', () => {
  it('date windows are whole local days, capped at asOf; refunded orders never count', async () => {
    expect(await members('<bought sku="A" from="2026-11-01" to="2026-11-11"/>')).toEqual(['a']);
    // b's B order at 02:00 Beijing time is Nov 1 in Shanghai but Oct 31 in UTC
    expect(await members('<bought sku="B" from="2026-11-01" to="2026-11-11"/>')).toEqual(['a', 'b']);
    expect(await members('<bought sku="B" from="2026-11-01" to="2026-11-11"/>', { tz: 'UTC' })).toEqual(['a']);
    // the segment's own tz wins over the caller's
    expect(await members('<bought sku="B" from="2026-11-01" to="2026-11-11"/>', { tz: 'UTC', attrs: ` tz="${TZ}"` })).toEqual(['a', 'b']);
  });

  it('instant bounds are inclusive', async () => {
    expect(await members('<bought from="2026-11-11T23:59:59+08:00"/>')).toEqual(['a', 'h']);
    expect(await members('<bought to="2026-11-01T02:00:00+08:00"/>')).toEqual(['b', 'c']);
  });

  it('last="N" is asOf - N < ts <= asOf', async () => {
    expect(await members('<bought last="1d"/>')).toEqual(['a', 'h']); // g sits exactly on the open bound
    expect(await members('<bought last="25h"/>')).toEqual(['a', 'g', 'h']);
    expect(await members('<bought last="12h"/>')).toEqual(['a', 'h']);
    expect(await members('<bought last="2w" category="socks"/>')).toEqual(['a', 'b']);
  });

  it('no window: all history up to asOf (a segment asOf overrides the caller)', async () => {
    expect(await members('<bought/>')).toEqual(['a', 'b', 'c', 'g', 'h']);
    expect(await members('<bought/>', { attrs: ' asOf="2026-12-01T00:00:00Z"' })).toEqual(['a', 'b', 'c', 'f', 'g', 'h']);
  });

  it('shop and any-of child lists', async () => {
    expect(await members('<bought><shop>jd</shop><shop>store-x</shop></bought>')).toEqual(['a', 'c', 'g', 'h']);
    expect(await members('<bought shop="tmall"><sku>A</sku><sku>C</sku></bought>')).toEqual(['a']);
  });
});

describe('bought: thresholds', () => {
  it('minCount / maxCount count distinct matching orders', async () => {
    expect(await members('<bought minCount="2"/>')).toEqual(['a']);
    expect(await members('<bought maxCount="1"/>')).toEqual(['b', 'c', 'g', 'h']);
    expect(await members('<bought sku="A" minCount="2" maxCount="2"/>')).toEqual(['a']);
  });

  it('amounts sum the matching lines only, inclusive', async () => {
    expect(await members('<bought sku="A" minAmount="250.00"/>')).toEqual(['a']);
    expect(await members('<bought sku="A" minAmount="250.01"/>')).toEqual([]);
    // shoes of a: 250 (the socks line of o1 does not count)
    expect(await members('<bought category="shoes" minAmount="260"/>')).toEqual([]);
    // without line filters every line counts: a spent 270
    expect(await members('<bought minAmount="270"/>')).toEqual(['a']);
    expect(await members('<bought category="socks" maxAmount="20"/>')).toEqual(['a']);
    expect(await members('<bought maxAmount="10"/>')).toEqual(['c', 'g', 'h']);
  });
});

describe('tags, attributes, combinators', () => {
  it('not complements against every known customer', async () => {
    expect(await members('<not><bought sku="A"/></not>')).toEqual(EVERYONE.filter((c) => c !== 'a'));
    expect(await members('<not><bought/></not>')).toEqual(['d', 'e', 'f']);
  });

  it('tags as their last event left them', async () => {
    expect(await members('<tag name="vip"/>')).toEqual(['e']);
    expect(await members('<and><tag name="newsletter"/><not><tag name="vip"/></not></and>')).toEqual(['b']);
  });

  it('attr eq matches strings and numbers; ranges only numbers', async () => {
    expect(await members('<attr name="age" eq="31"/>')).toEqual(['d', 'e']);
    expect(await members('<attr name="age" gte="25" lt="31"/>')).toEqual(['a']);
    expect(await members('<attr name="age" gt="30"/>')).toEqual(['d']);
    expect(await members('<attr name="age" eq="31" gt="30"/>')).toEqual(['d']);
    expect(await members('<attr name="level"><value>gold</value><value>3</value></attr>')).toEqual(['d', 'e']);
  });

  it('exists, with deletions', async () => {
    expect(await members('<attr name="city" exists="true"/>')).toEqual(['d']);
    expect(await members('<attr name="city" exists="false"/>')).toEqual(EVERYONE.filter((c) => c !== 'd'));
  });

  it('or, nested not, and several conditions at the top', async () => {
    expect(await members('<or><attr name="city" eq="Xiamen"/><bought shop="jd" last="1d"/></or>')).toEqual(['a', 'd', 'h']);
    expect(await members('<bought/><not><or><tag name="newsletter"/><bought sku="A"/></or></not>')).toEqual(['c', 'g', 'h']);
    expect(await members('<not><and><bought/><not><attr name="age" exists="true"/></not></and></not>')).toEqual(['a', 'd', 'e', 'f']);
  });

  it('ref inlines the saved segment with this query\'s asOf', async () => {
    const refs = { buyers: '<segment asOf="2020-01-01T00:00:00Z"><bought/></segment>' };
    expect(await members('<ref segment="buyers"/><not><tag name="newsletter"/></not>', { refs })).toEqual(['a', 'c', 'g', 'h']);
    await expect(members('<ref segment="nope"/>', { refs })).rejects.toThrow(TranslateError);
    await expect(members('<ref segment="x"/>', { refs: { x: '<segment><ref segment="x"/></segment>' } })).rejects.toThrow(/cycle/);
  });

  it('values with line breaks survive the indented SQL (a literal never spans lines)', async () => {
    expect(await members('<attr name="note" eq="l1&#10;l2&#13;&#10;"/>')).toEqual(['d']);
    expect(await members('<bought/><attr name="note"><value>l1&#10;l2&#13;&#10;</value><value>x</value></attr>')).toEqual([]);
    expect(await members('<or><bought sku="A"/><attr name="note"><value>l1&#10;l2&#13;&#10;</value><value>x</value></attr></or>')).toEqual(['a', 'd']);
  });

  it('values and entities are taken as written', async () => {
    expect(parseQuery(seg('<tag name="a&amp;b &#x41;"/>')).children[0]).toEqual({ k: 'tag', name: 'a&b A' });
    expect(parseQuery(seg('<bought><sku> A</sku></bought>')).children[0]).toMatchObject({ sku: { values: [' A'] } });
    expect(await members('<bought><sku> A</sku></bought>')).toEqual([]);
  });

  it('refuses what it does not understand', () => {
    expect(() => parseQuery(seg('<bougth/>'))).toThrow(TranslateError);
    expect(() => parseQuery(seg('<bought last="7d" from="2026-01-01"/>'))).toThrow(TranslateError);
    expect(() => parseQuery(seg('<bought minAmount="1.005"/>'))).toThrow(TranslateError);
    expect(() => parseQuery(seg('<attr name="x"/>'))).toThrow(TranslateError);
  });
});

describe('time arithmetic', () => {
  const b = (extra: Partial<BoughtNode>): BoughtNode => ({ k: 'bought', ...extra });
  const sec = (iso: string): number => Date.parse(iso) / 1000;

  it('local day bounds across DST, including a day that starts at 01:00', () => {
    expect(localDayStartSec('2026-03-08', 'America/New_York')).toBe(sec('2026-03-08T05:00:00Z'));
    expect(localDayStartSec('2026-03-09', 'America/New_York')).toBe(sec('2026-03-09T04:00:00Z'));
    // Chile moves its clocks from 00:00 to 01:00 on 2026-09-06
    expect(localDayStartSec('2026-09-06', 'America/Santiago')).toBe(sec('2026-09-06T04:00:00Z'));
    const w = windowSec(b({ from: { kind: 'date', date: '2026-03-08' }, to: { kind: 'date', date: '2026-03-08' } }), { asOfMs: Date.parse('2026-12-01T00:00:00Z'), tz: 'America/New_York' });
    expect(w).toEqual({ lo: sec('2026-03-08T05:00:00Z'), hi: sec('2026-03-09T03:59:59Z') });
  });

  it('caps at asOf, empty windows, sub-second asOf', () => {
    expect(windowSec(b({ from: { kind: 'date', date: '2026-12-01' } }), { asOfMs: Date.parse('2026-11-30T00:00:00Z'), tz: 'UTC' })).toBeUndefined();
    expect(windowSec(b({ last: { n: 1, unit: 'h' } }), { asOfMs: Date.parse('2026-11-30T00:00:00.500Z'), tz: 'UTC' })).toEqual({
      lo: sec('2026-11-29T23:00:01Z'),
      hi: sec('2026-11-30T00:00:00Z'),
    });
  });

  it('date-times with and without offsets; local times in a zone', () => {
    expect(parseIsoDateTime('2026-11-11T00:03:12+0800')).toEqual({ ms: Date.parse('2026-11-10T16:03:12Z'), local: false });
    expect(parseIsoDateTime('2026-11-11T00:03:12.9876Z')).toEqual({ ms: Date.parse('2026-11-11T00:03:12.987Z'), local: false });
    expect(parseIsoDateTime('2026-02-30T00:00:00Z')).toBeUndefined();
    const wall = parseIsoDateTime('2026-03-08T02:30:00')!;
    expect(wall.local).toBe(true);
    // in the spring-forward gap: moved forward by the gap
    expect(localToUtcMs(wall.ms, 'America/New_York')).toBe(Date.parse('2026-03-08T07:30:00Z'));
    // twice in the fall-back hour: the earlier instant
    expect(localToUtcMs(parseIsoDateTime('2026-11-01T01:30:00')!.ms, 'America/New_York')).toBe(Date.parse('2026-11-01T05:30:00Z'));
  });
});

describe('relative window bounds (contract 7.1) and quantity thresholds (7.2)', () => {
  it('-N{h|d|w} is asOf minus N units, both bounds inclusive; a mixed pair past each other is empty', async () => {
    // g's order is exactly asOf - 1 d, h's exactly at asOf, a's o2 one second before asOf
    expect(await members('<bought from="-1d" to="-1d"/>')).toEqual(['g']);
    expect(await members('<bought from="-24h" to="-0h"/>')).toEqual(['a', 'g', 'h']);
    expect(await members('<bought from="-1w" to="-1d"/>')).toEqual(['g']); // a's o2 is after to, b's o5 refunded
    expect(await members('<bought from="-1d" to="2026-11-01"/>')).toEqual([]);
    expect(await members('<bought from="2026-11-11T12:00:00+08:00" to="-1d"/>')).toEqual([]);
    expect(() => parseQuery(seg('<bought from="-1d" to="-2d"/>'))).toThrow(TranslateError);
    expect(() => parseQuery(seg('<bought from="-1.5d"/>'))).toThrow(TranslateError);
  });

  it('minQuantity/maxQuantity bound the sum of the matching lines\' quantities', async () => {
    expect(await members('<bought minQuantity="3"/>')).toEqual(['a']); // o1 (2 lines) + o2
    expect(await members('<bought sku="A" minQuantity="2" maxQuantity="2"/>')).toEqual(['a']);
    expect(await members('<bought maxQuantity="1"/>')).toEqual(['b', 'c', 'g', 'h']);
    expect(await members('<bought minQuantity="2" minCount="2"/>')).toEqual(['a']);
    expect(() => parseQuery(seg('<bought minQuantity="0"/>'))).toThrow(TranslateError);
    expect(() => parseQuery(seg('<bought minQuantity="3" maxQuantity="2"/>'))).toThrow(TranslateError);
  });
});
