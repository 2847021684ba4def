/**
 * `shandian portrait` (contract 8.2): the three formats on a small store whose
 * answer is worked out by hand, the bar chart's alignment with CJK values, and
 * the refusals of bad dimensions (exit 2, before the store is even opened).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { displayWidth } from '../../src/portrait/display-width.js';
import { cleanTmp, ensureBuilt, ndjson, run, spawnCli, tmpDir } from './helpers.js';

afterAll(cleanTmp);

const RECORDS = [
  { type: 'customer', customer_id: 'c1', attrs: { city: '厦门', age: 31 } },
  { type: 'customer', customer_id: 'c2', attrs: { level: 31, city: 'Xiamen' } },
  { type: 'customer', customer_id: 'c3', attrs: { level: '31' } },
  { type: 'tag', customer_id: 'c1', tag: 'vip', op: 'add' },
  { type: 'tag', customer_id: 'c3', tag: 'new', op: 'add' },
  { type: 'tag', customer_id: 'c4', tag: 'vip', op: 'add' },
  { type: 'tag', customer_id: 'c4', tag: 'vip', op: 'remove' },
  { type: 'order', order_id: 'O1', customer_id: 'c1', ts: '2026-11-10T10:00:00+08:00', shop: 'tmall', status: 'paid',
    lines: [{ sku: 'A', category: 'shoes', quantity: 1, amount: '100.00' }, { sku: 'B', category: '包袋', quantity: 2, amount: '50.50' }] },
  { type: 'order', order_id: 'O2', customer_id: 'c1', ts: '2026-11-11T10:00:00+08:00', shop: 'jd', status: 'paid',
    lines: [{ sku: 'A', category: 'shoes', quantity: 1, amount: '20' }] },
  { type: 'refund', order_id: 'O2' },
  { type: 'order', order_id: 'O3', customer_id: 'c3', ts: '2026-10-01T10:00:00+08:00', shop: 'jd', status: 'paid',
    lines: [{ sku: 'A', category: 'shoes', quantity: 1, amount: '10' }] },
  { type: 'order', order_id: 'O4', customer_id: 'c2', ts: '2026-11-12T00:00:01+08:00', shop: 'jd', status: 'paid',
    lines: [{ sku: 'A', category: 'shoes', quantity: 1, amount: '99' }] }, // after asOf: never counts
];
const EVERYONE = '<segment><not><tag name="nobody"/></not></segment>';
const AS_OF = '2026-11-12T00:00:00+08:00';
const BY = ['attr:city', 'attr:level', 'attr:age:18,30', 'tag', 'shop', 'shop:last=30d', 'category'];

const EXPECTED = {
  count: 4,
  asOf: '2026-11-11T16:00:00.000Z',
  tz: 'UTC',
  dimensions: [
    { by: 'attr:city', kind: 'attr', buckets: [{ value: 'Xiamen', customers: 1 }, { value: '厦门', customers: 1 }, { value: '(none)', none: true, customers: 2 }] },
    { by: 'attr:level', kind: 'attr', buckets: [{ value: 31, customers: 1 }, { value: '31', customers: 1 }, { value: '(none)', none: true, customers: 2 }] },
    { by: 'attr:age:18,30', kind: 'attr-range', buckets: [{ value: '>= 30', from: 30, customers: 1 }, { value: '(none)', none: true, customers: 3 }] },
    { by: 'tag', kind: 'tag', buckets: [{ value: 'new', customers: 1 }, { value: 'vip', customers: 1 }, { value: '(none)', none: true, customers: 2 }] },
    { by: 'shop', kind: 'order', buckets: [{ value: 'jd', customers: 1, orders: 1, amount: '10.00' }, { value: 'tmall', customers: 1, orders: 1, amount: '150.50' }] },
    { by: 'shop:last=30d', kind: 'order', buckets: [{ value: 'tmall', customers: 1, orders: 1, amount: '150.50' }] },
    { by: 'category', kind: 'order', buckets: [{ value: 'shoes', customers: 2, orders: 2, amount: '110.00' }, { value: '包袋', customers: 1, orders: 1, amount: '50.50' }] },
  ],
};

let store: string;
beforeAll(async () => {
  ensureBuilt();
  const dir = tmpDir();
  const file = path.join(dir, 'records.ndjson');
  fs.writeFileSync(file, ndjson(RECORDS));
  store = path.join(dir, 'store');
  const r = await run(['ingest', '--data', store, file]);
  expect(r.code, r.stderr).toBe(0);
});

const byArgs = (by: string[]) => by.flatMap((b) => ['--by', b]);

describe('shandian portrait', () => {
  it('json: every dimension form, worked out by hand', async () => {
    const r = await run(['portrait', '--data', store, '--expr', EVERYONE, '--as-of', AS_OF, ...byArgs(BY), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
  });

  it('the library answers the same', async () => {
    const engine = await Engine.open({ dir: store, readOnly: true });
    try {
      expect(await engine.portrait(EVERYONE, { by: BY, asOf: AS_OF })).toEqual(EXPECTED);
      expect((await engine.portrait(EVERYONE, { by: 'tag', asOf: AS_OF })).dimensions).toEqual([EXPECTED.dimensions[3]]);
    } finally {
      await engine.close();
    }
  });

  it('csv: a row per bucket, numbers told from strings', async () => {
    const r = await run(['portrait', '--data', store, '--expr', EVERYONE, '--as-of', AS_OF, '--by', 'attr:level', '--by', 'category', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\r\n')).toEqual([
      'dimension,value,value_type,customers,orders,amount,segment_count',
      'attr:level,31,number,1,,,4',
      'attr:level,31,string,1,,,4',
      'attr:level,(none),none,2,,,4',
      'category,shoes,string,2,2,110.00,4',
      'category,包袋,string,1,1,50.50,4',
      '',
    ]);
  });

  it('table: a bar chart per dimension, bars lined up by display width with CJK values', async () => {
    const r = await run(['portrait', '--data', store, '--expr', EVERYONE, '--as-of', AS_OF, '--by', 'attr:city', '--by', 'attr:level', '--by', 'category']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('segment: 4 customers  (asOf 2026-11-11T16:00:00.000Z, tz UTC)');
    // attr:city: Xiamen and 厦门 (display width 4) have the same share, so the same bar at the same column
    const from = out.indexOf('attr:city: 3 buckets');
    const city = out.slice(from + 2, from + 5);
    expect(city.map((l) => l.trim().split(' ')[0])).toEqual(['Xiamen', '厦门', '(none)']);
    expect(city).toHaveLength(3);
    const barColumn = (l: string) => displayWidth(l.slice(0, l.indexOf('█')));
    expect(new Set(city.map(barColumn)).size).toBe(1);
    expect(city[0]).toMatch(/25\.0%  █+$/);
    expect(city[2]).toMatch(/^  \(none\)\s+2  50\.0%  █{30}$/);
    // the number 31 and the string "31" stay apart
    expect(r.stdout).toMatch(/\n  31 +1  25\.0%/);
    expect(r.stdout).toMatch(/\n  "31" +1  25\.0%/);
    // order dimensions show orders and amount
    expect(r.stdout).toMatch(/\n  shoes +2  50\.0%  +2  +110\.00  █{30}\n/);
    expect(r.stdout).toMatch(/\n  包袋 +1  25\.0%  +1  +50\.50  █{15}\n/);
  });

  it('--top limits the buckets drawn, (none) stays', async () => {
    const r = await run(['portrait', '--data', store, '--expr', EVERYONE, '--as-of', AS_OF, '--by', 'attr:city', '--top', '1', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).dimensions[0].buckets).toEqual([{ value: 'Xiamen', customers: 1 }, { value: '(none)', none: true, customers: 2 }]);
  });

  it('--help teaches every dimension form', async () => {
    const r = await run(['portrait', '--help']);
    expect(r.code).toBe(0);
    for (const form of ['attr:NAME', 'attr:NAME:b1,b2', 'tag', 'shop, category, sku', 'last=30d', '--format', 'table', 'json', 'csv']) expect(r.stdout).toContain(form);
  });

  const REFUSALS: [string[], string][] = [
    [['--by', 'attr:age:30,18'], 'E_BAD_NUMBER'],
    [['--by', 'attr:age:18,18'], 'E_BAD_NUMBER'],
    [['--by', 'attr:age:18,x'], 'E_BAD_NUMBER'],
    [['--by', 'shop:last=3x'], 'E_BAD_DURATION'],
    [['--by', 'sku:last=0d'], 'E_BAD_DURATION'],
    [['--by', 'category:from=2026-01-01'], 'E_BAD_ARGS'],
    [['--by', 'color'], 'E_BAD_ARGS'],
    [['--by', 'attr:'], 'E_BAD_ARGS'],
    [['--by', 'tag', '--by', 'tags'], 'E_BAD_ARGS'],
    [[], 'E_BAD_ARGS'],
    [['--by', 'tag', '--format', 'xml'], 'E_BAD_ARGS'],
  ];
  for (const [args, code] of REFUSALS) {
    it(`refuses ${JSON.stringify(args)} with ${code}, exit 2, before the store is opened`, async () => {
      const missing = path.join(tmpDir(), 'no-store-here');
      const r = await run(['portrait', '--data', missing, '--expr', EVERYONE, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(code);
      expect(fs.existsSync(missing)).toBe(false);
    });
  }

  it('the library refuses bad dimensions with the same codes', async () => {
    const engine = await Engine.open({});
    try {
      await expect(engine.portrait(EVERYONE, { by: 'attr:a:2,1' })).rejects.toMatchObject({ code: 'E_BAD_NUMBER' });
      await expect(engine.portrait(EVERYONE, { by: ['tag', 'shop:last=1y'] })).rejects.toMatchObject({ code: 'E_BAD_DURATION' });
      await expect(engine.portrait(EVERYONE, { by: [] })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
      await expect(engine.portrait(EVERYONE, {} as never)).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
      // a bad dimension is refused even when the query is bad too: dimensions are checked first
      await expect(engine.portrait('<segment><nope/></segment>', { by: 'zip' })).rejects.toMatchObject({ code: 'E_BAD_ARGS' });
    } finally {
      await engine.close();
    }
  });

  it('the built binary exits 2 on a bad dimension and 0 with a chart', async () => {
    const bad = await spawnCli(['portrait', '--data', store, '--expr', EVERYONE, '--by', 'attr:age:5,1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^shandian: E_BAD_NUMBER: /);
    const ok = await spawnCli(['portrait', '--data', store, '--expr', EVERYONE, '--as-of', AS_OF, '--by', 'tag']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('█');
  });
});
