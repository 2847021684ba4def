/**
 * The CLI against contract section 4 (and the parts of 2, 3 and 6 it
 * exposes): most cases run `main(argv, io)` in-process with fake streams; a
 * few spawn the built binary end to end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanTmp, lines, ndjson, order, run, sorted, tmpDir, within } from './helpers.js';

afterAll(cleanTmp);

const DATA = [
  order('T1', 'c1', '2026-11-11T00:03:12+08:00', 'A', '299.00'),
  order('T2', 'c2', '2026-11-10T12:00:00+08:00', 'A'),
  order('T3', 'c2', '2026-11-10T13:00:00+08:00', 'B'),
  order('T4', 'c3', '2026-10-01T00:00:00+08:00', 'A'),
  { type: 'refund', order_id: 'T4' },
  { type: 'customer', customer_id: 'c4', attrs: { city: 'Xiamen', age: 31 } },
  { type: 'tag', customer_id: 'c1', tag: 'vip', op: 'add' },
  // 2026-11-11T04:00:00+08:00: Nov 11 in Shanghai, Nov 10 in UTC
  order('T5', 'c5', '2026-11-10T20:00:00Z', 'C'),
];

const AS_OF = '2026-12-01T00:00:00Z';
const CROSS_SELL = '<segment asOf="2026-11-12T00:00:00+08:00" tz="Asia/Shanghai"><bought sku="A" from="2026-10-01" to="2026-11-11"/><not><bought sku="B" from="2026-10-01" to="2026-11-11"/></not></segment>';

/** A store with DATA, built once (in-process ingest). */
async function dataStore(extraArgs: string[] = []): Promise<string> {
  const dir = tmpDir();
  const file = path.join(dir, 'data.ndjson');
  fs.writeFileSync(file, ndjson(DATA));
  const store = path.join(dir, 'store');
  const r = await run(['ingest', '--data', store, ...extraArgs, file]);
  expect(r.code, r.stderr).toBe(0);
  return store;
}

async function queryIds(store: string, xml: string, extra: string[] = []): Promise<string[]> {
  const r = await run(['query', '--data', store, '--expr', xml, '--format', 'ids', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return sorted(r.stdout);
}

describe('help and argument errors', () => {
  const FLAGS: Record<string, string[]> = {
    ingest: ['--data', '--tz', '--skip-bad'],
    query: ['--data', '--xml', '--expr', '--as-of', '--tz', '--format', 'count', 'ids', 'ndjson'],
    explain: ['--data', '--xml', '--expr', '--as-of', '--tz'],
    save: ['--data', '--name', '--xml', '--expr'],
    gen: ['--out', '--orders', '--customers', '--seed'],
  };

  for (const [cmd, flags] of Object.entries(FLAGS)) {
    it(`${cmd} --help exits 0 and names every flag`, async () => {
      for (const h of ['--help', '-h']) {
        const r = await run([cmd, h]);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        for (const f of flags) expect(r.stdout, `${cmd} ${h} mentions ${f}`).toContain(f);
      }
      // --help wins over otherwise incomplete arguments
      const r = await run([cmd, '--help', ...(cmd === 'gen' ? ['--seed', '3'] : ['--data', '/nonexistent/x'])]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(flags[0]);
    });
  }

  it('top-level --help exits 0 and lists the commands; help CMD shows that command', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of Object.keys(FLAGS)) expect(r.stdout).toContain(c);
    const h = await run(['help', 'query']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--format');
  });

  it('no command exits 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
  });

  const BAD: Array<[string, string[]]> = [
    ['unknown command', ['frobnicate']],
    ['unknown command that looks like a flag', ['--data']],
    ['unknown flag on query', ['query', '--data', '/tmp/x', '--expr', '<segment><tag name="v"/></segment>', '--bogus']],
    ['unknown flag on ingest', ['ingest', '--data', '/tmp/x', '--fast', 'f.ndjson']],
    ['unknown flag on gen', ['gen', '--out', 'x.ndjson', '--orders', '5', '--format', 'csv']],
    ['query without --data', ['query', '--expr', '<segment><tag name="v"/></segment>']],
    ['query with --data but no value', ['query', '--expr', '<segment><tag name="v"/></segment>', '--data']],
    ['query with an empty --data', ['query', '--data', '', '--expr', '<segment><tag name="v"/></segment>']],
    ['explain without --data', ['explain', '--expr', '<segment><tag name="v"/></segment>']],
    ['save without --data', ['save', '--name', 'x', '--expr', '<segment><tag name="v"/></segment>']],
    ['ingest without --data', ['ingest', 'f.ndjson']],
    ['ingest without files', ['ingest', '--data', '/tmp/shandian-never-created']],
    ['query without a query', ['query', '--data', '/tmp/x']],
    ['query with two query sources', ['query', '--data', '/tmp/x', '--expr', '<segment/>', '--xml', 'q.xml']],
    ['query with --expr and -', ['query', '--data', '/tmp/x', '--expr', '<segment/>', '-']],
    ['query with a stray positional', ['query', '--data', '/tmp/x', '--expr', '<segment/>', 'extra']],
    ['query --format xml', ['query', '--data', '/tmp/x', '--expr', '<segment/>', '--format', 'xml']],
    ['query --xml of a missing file', ['query', '--data', '/tmp/x', '--xml', '/nonexistent/q.xml']],
    ['save without --name', ['save', '--data', '/tmp/x', '--expr', '<segment><tag name="v"/></segment>']],
    ['gen without --out', ['gen', '--orders', '5']],
    ['gen without --orders', ['gen', '--out', 'x.ndjson']],
    ['gen --orders not a number', ['gen', '--out', 'x.ndjson', '--orders', 'many']],
    ['gen --orders negative', ['gen', '--out', 'x.ndjson', '--orders', '-5']],
    ['gen --customers 0', ['gen', '--out', 'x.ndjson', '--orders', '5', '--customers', '0']],
    ['gen to an unknown extension', ['gen', '--out', 'x.parquet', '--orders', '5']],
    ['ingest --shards 0', ['ingest', '--data', '/tmp/shandian-never-created', '--shards', '0', 'f.ndjson']],
  ];
  for (const [what, argv] of BAD) {
    it(`${what}: exit 2 with E_BAD_ARGS on stderr`, async () => {
      const r = await run(argv);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/E_BAD_ARGS/);
      expect(r.stdout).toBe('');
    });
  }

  it('ingest of a file with an unknown extension is E_BAD_ARGS', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'data.txt');
    fs.writeFileSync(f, ndjson([order('O1', 'c1', 0, 'A')]));
    const r = await run(['ingest', '--data', path.join(dir, 'store'), f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_BAD_ARGS/);
  });

  it('ingest of a file that does not exist is a bad argument (exit 2) naming the file', async () => {
    const dir = tmpDir();
    const missing = path.join(dir, 'nope.ndjson');
    const r = await run(['ingest', '--data', path.join(dir, 'store'), missing]);
    expect(r.stderr).toContain('nope.ndjson');
    expect(r.code, r.stderr).toBe(2);
  });

  it('ingest with an unknown --tz is E_BAD_TZ, exit 2', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'd.ndjson');
    fs.writeFileSync(f, ndjson([order('O1', 'c1', 0, 'A')]));
    const r = await run(['ingest', '--data', path.join(dir, 'store'), '--tz', 'Mars/Olympus', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_BAD_TZ');
  });
});

describe('gen, ingest and query across NDJSON, CSV and Arrow', () => {
  const stores: Record<string, string> = {};
  let dir: string;
  let csvText: string;

  beforeAll(async () => {
    dir = tmpDir();
    for (const ext of ['ndjson', 'csv', 'arrow']) {
      const out = path.join(dir, `orders.${ext}`);
      const g = await run(['gen', '--out', out, '--orders', '1500', '--customers', '200', '--seed', '11']);
      expect(g.code, g.stderr).toBe(0);
      expect(fs.statSync(out).size).toBeGreaterThan(0);
      stores[ext] = path.join(dir, `store-${ext}`);
      const i = await run(['ingest', '--data', stores[ext]!, out]);
      expect(i.code, i.stderr).toBe(0);
      expect(i.stderr).toMatch(/records/);
    }
    csvText = fs.readFileSync(path.join(dir, 'orders.csv'), 'utf8');
  });

  it('gen is deterministic: the same seed gives the same bytes', async () => {
    const again = path.join(dir, 'again.csv');
    const g = await run(['gen', '--out', again, '--orders', '1500', '--customers', '200', '--seed', '11']);
    expect(g.code).toBe(0);
    expect(fs.readFileSync(again, 'utf8')).toBe(csvText);
  });

  /** The most common value of a CSV column, for queries that select something. */
  function common(column: string): string {
    const rows = csvText.trim().split('\n');
    const idx = rows[0]!.split(',').indexOf(column);
    const counts = new Map<string, number>();
    for (const r of rows.slice(1)) {
      const v = r.split(',')[idx]!;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  }

  function queries(): string[] {
    const cat = common('category');
    const shop = common('shop');
    const sku = common('sku');
    return [
      '<segment><bought/></segment>',
      `<segment><bought category="${cat}" minCount="2"/></segment>`,
      `<segment><bought shop="${shop}" from="2026-06-01" to="2026-06-30"/></segment>`,
      '<segment><bought minAmount="1000.00" maxAmount="5000"/></segment>',
      `<segment><bought sku="${sku}"/><not><bought category="${cat}" last="60d"/></not></segment>`,
      '<segment tz="Asia/Shanghai"><bought from="2026-11-11" to="2026-11-11"/></segment>',
    ];
  }

  it('every format gives the same customers for bought-queries, and count = ids = ndjson', async () => {
    for (const q of queries()) {
      const results: Record<string, string[]> = {};
      for (const [ext, store] of Object.entries(stores)) {
        const base = ['query', '--data', store, '--expr', q, '--as-of', '2027-01-01T00:00:00Z'];
        const c = await run([...base, '--format', 'count']);
        const i = await run([...base, '--format', 'ids']);
        const n = await run([...base, '--format', 'ndjson']);
        const d = await run(base); // count is the default
        for (const r of [c, i, n, d]) expect(r.code, r.stderr).toBe(0);
        expect(c.stdout).toMatch(/^\d+\n$/);
        expect(d.stdout).toBe(c.stdout);
        const ids = sorted(i.stdout);
        expect(new Set(ids).size, 'ids has no duplicates').toBe(ids.length);
        expect(ids.length).toBe(Number(c.stdout));
        const objs = lines(n.stdout).map((l) => JSON.parse(l) as { customer_id: string });
        expect(objs.map((o) => o.customer_id).sort()).toEqual(ids);
        results[ext] = ids;
      }
      expect(results.csv, `csv vs ndjson for ${q}`).toEqual(results.ndjson);
      expect(results.arrow, `arrow vs ndjson for ${q}`).toEqual(results.ndjson);
    }
  });

  it('<bought/> selects exactly the customers with a counting order (oracle from the NDJSON file)', async () => {
    const recs = fs.readFileSync(path.join(dir, 'orders.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const refunded = new Set(recs.filter((r) => r.type === 'refund').map((r) => r.order_id));
    const expected = new Set<string>();
    for (const r of recs) if (r.type === 'order' && r.status === 'paid' && !refunded.has(r.order_id)) expected.add(r.customer_id as string);
    expect(expected.size).toBeGreaterThan(10);
    for (const store of Object.values(stores)) {
      expect(await queryIds(store, '<segment><bought/></segment>', ['--as-of', '2027-01-01T00:00:00Z'])).toEqual([...expected].sort());
    }
  });

  it('CSV and Arrow stores know only order customers; NDJSON adds customer and tag records', async () => {
    const everyone = '<segment><or><bought/><not><bought/></not></or></segment>';
    const q = (s: string) => run(['query', '--data', s, '--expr', everyone, '--as-of', '2027-01-01T00:00:00Z']);
    const [n, c, a] = [await q(stores.ndjson!), await q(stores.csv!), await q(stores.arrow!)];
    expect(c.stdout).toBe(a.stdout);
    expect(Number(n.stdout)).toBeGreaterThanOrEqual(Number(c.stdout));
    const tagged = await run(['query', '--data', stores.ndjson!, '--expr', '<segment><tag name="vip"/></segment>']);
    expect(Number(tagged.stdout)).toBeGreaterThan(0);
  });
});

describe('query input and options', () => {
  let store: string;
  beforeAll(async () => {
    store = await dataStore();
  });

  it('reads the query from stdin with -', async () => {
    const r = await run(['query', '--data', store, '-', '--format', 'ids'], CROSS_SELL);
    expect(r.code, r.stderr).toBe(0);
    expect(sorted(r.stdout)).toEqual(['c1']);
  });

  it('reads the query from --xml FILE (with a BOM and CRLF line ends)', async () => {
    const f = path.join(tmpDir(), 'q.xml');
    fs.writeFileSync(f, '\uFEFF' + CROSS_SELL.replace(/></g, '>\r\n<'));
    const r = await run(['query', '--data', store, '--xml', f, '--format', 'ids']);
    expect(r.code, r.stderr).toBe(0);
    expect(sorted(r.stdout)).toEqual(['c1']);
  });

  it('answers the contract example, tags, attrs and not', async () => {
    expect(await queryIds(store, CROSS_SELL)).toEqual(['c1']);
    expect(await queryIds(store, '<segment><tag name="vip"/></segment>')).toEqual(['c1']);
    expect(await queryIds(store, '<segment><attr name="age" eq="31"/></segment>')).toEqual(['c4']);
    expect(await queryIds(store, '<segment><not><bought/></not></segment>', ['--as-of', AS_OF])).toEqual(['c3', 'c4']);
  });

  it('--as-of sets asOf; the segment attribute wins over it', async () => {
    const q = '<segment><bought sku="A"/></segment>';
    expect(await queryIds(store, q, ['--as-of', '2026-11-10T23:00:00+08:00'])).toEqual(['c2']);
    expect(await queryIds(store, q, ['--as-of', '2026-11-12T00:00:00+08:00'])).toEqual(['c1', 'c2']);
    expect(await queryIds(store, q, ['--as-of', '2026-11-10T11:59:59+08:00'])).toEqual([]);
    // asOf is inclusive: T2 at exactly asOf counts
    expect(await queryIds(store, q, ['--as-of', '2026-11-10T04:00:00Z'])).toEqual(['c2']);
    const withAttr = '<segment asOf="2026-11-12T00:00:00+08:00"><bought sku="A"/></segment>';
    expect(await queryIds(store, withAttr, ['--as-of', '2026-11-10T23:00:00+08:00'])).toEqual(['c1', 'c2']);
  });

  it('--as-of with last= counts back from asOf', async () => {
    const q = '<segment><bought last="1d"/></segment>';
    expect(await queryIds(store, q, ['--as-of', '2026-11-11T12:00:00+08:00'])).toEqual(['c1', 'c2', 'c5']);
    expect(await queryIds(store, q, ['--as-of', '2026-11-12T06:00:00+08:00'])).toEqual([]);
  });

  it('--tz decides date-only bounds: Shanghai vs UTC', async () => {
    const nov11 = '<segment><bought sku="C" from="2026-11-11" to="2026-11-11"/></segment>';
    const nov10 = '<segment><bought sku="C" from="2026-11-10" to="2026-11-10"/></segment>';
    const a = ['--as-of', AS_OF];
    expect(await queryIds(store, nov11, [...a, '--tz', 'Asia/Shanghai'])).toEqual(['c5']);
    expect(await queryIds(store, nov11, [...a, '--tz', 'UTC'])).toEqual([]);
    expect(await queryIds(store, nov11, a)).toEqual([]); // default: UTC
    expect(await queryIds(store, nov10, [...a, '--tz', 'Asia/Shanghai'])).toEqual([]);
    expect(await queryIds(store, nov10, a)).toEqual(['c5']);
    // a tz attribute on <segment> wins over --tz
    const attr = '<segment tz="Asia/Shanghai"><bought sku="C" from="2026-11-11" to="2026-11-11"/></segment>';
    expect(await queryIds(store, attr, [...a, '--tz', 'UTC'])).toEqual(['c5']);
  });

  it('the zone given at ingest --tz is the store default for date-only bounds', async () => {
    const sh = await dataStore(['--tz', 'Asia/Shanghai']);
    const nov11 = '<segment><bought sku="C" from="2026-11-11" to="2026-11-11"/></segment>';
    expect(await queryIds(sh, nov11, ['--as-of', AS_OF])).toEqual(['c5']);
    expect(await queryIds(sh, nov11, ['--as-of', AS_OF, '--tz', 'UTC'])).toEqual([]);
  });

  it('a bad --as-of or --tz is exit 2 with its code', async () => {
    const q = '<segment><bought/></segment>';
    const a = await run(['query', '--data', store, '--expr', q, '--as-of', '2026-11-12']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('E_BAD_DATE');
    const t = await run(['query', '--data', store, '--expr', q, '--tz', 'Asia/Atlantis']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('E_BAD_TZ');
    const e = await run(['explain', '--data', store, '--expr', q, '--tz', 'CST']);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('E_BAD_TZ');
  });

  it('query of a directory that holds no store fails without output', async () => {
    const r = await run(['query', '--data', path.join(tmpDir(), 'empty'), '--expr', '<segment><bought/></segment>']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/E_[A-Z_]+/);
  });
});

describe('bad queries', () => {
  let store: string;
  beforeAll(async () => {
    store = await dataStore();
  });

  const deep = '<segment>' + '<not>'.repeat(5000) + '<tag name="vip"/>' + '</not>'.repeat(5000) + '</segment>';
  const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<segment><tag name="&lol3;"/></segment>`;

  const CASES: Array<[string, string, string]> = [
    ['unterminated XML', '<segment><bought sku="A"/>', 'E_XML_SYNTAX'],
    ['unterminated attribute', '<segment><bought sku="A/></segment>', 'E_XML_SYNTAX'],
    ['unknown element', '<segment>\n  <boughtx sku="A"/>\n</segment>', 'E_UNKNOWN_ELEMENT'],
    ['unknown attribute', '<segment><bought colour="red"/></segment>', 'E_UNKNOWN_ATTRIBUTE'],
    ['bad date', '<segment><bought from="2026-02-30"/></segment>', 'E_BAD_DATE'],
    ['from after to', '<segment><bought from="2026-11-12" to="2026-11-11"/></segment>', 'E_BAD_DATE'],
    ['bad duration', '<segment><bought last="30x"/></segment>', 'E_BAD_DURATION'],
    ['last with from', '<segment><bought last="30d" from="2026-01-01"/></segment>', 'E_CONFLICT'],
    ['minCount="0"', '<segment><bought minCount="0"/></segment>', 'E_BAD_NUMBER'],
    ['3-decimal amount', '<segment><bought minAmount="10.005"/></segment>', 'E_BAD_NUMBER'],
    ['DOCTYPE entity bomb', bomb, 'E_XML_DOCTYPE'],
    ['nesting 5,000 deep', deep, 'E_XML_TOO_DEEP'],
    ['unknown ref', '<segment><ref segment="nope"/></segment>', 'E_UNKNOWN_SEGMENT'],
    ['empty segment', '<segment></segment>', 'E_CHILD_COUNT'],
    ['over 1 MiB', `<segment><tag name="${'x'.repeat(1 << 20)}"/></segment>`, 'E_XML_TOO_LARGE'],
  ];

  for (const [what, xml, code] of CASES) {
    it(`${what}: exit 2 with ${code}; the store still answers`, async () => {
      for (const cmd of ['query', 'explain']) {
        const r = await run([cmd, '--data', store, '-'], xml);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(code);
        expect(r.stdout).toBe('');
      }
      const s = await run(['save', '--data', store, '--name', 'bad', '-'], xml);
      expect(s.code, s.stderr).toBe(2);
      expect(s.stderr).toContain(code);
      expect(await queryIds(store, CROSS_SELL)).toEqual(['c1']);
    });
  }

  it('a query error names the line and column', async () => {
    const r = await run(['query', '--data', store, '--expr', '<segment>\n  <boughtx sku="A"/>\n</segment>']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 2, column 3/);
  });

  it('the same errors hold through --xml FILE', async () => {
    const f = path.join(tmpDir(), 'deep.xml');
    fs.writeFileSync(f, deep);
    const r = await run(['query', '--data', store, '--xml', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_XML_TOO_DEEP');
  });

  it('a failed save leaves no saved segment behind', async () => {
    const r = await run(['query', '--data', store, '--expr', '<segment><ref segment="bad"/></segment>']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_UNKNOWN_SEGMENT');
  });
});

describe('ingest of bad records', () => {
  function file(name: string, text: string): string {
    const f = path.join(tmpDir(), name);
    fs.writeFileSync(f, text);
    return f;
  }

  async function expectStop(f: string, line: number, reason: RegExp, before: string[]): Promise<string> {
    const store = path.join(path.dirname(f), 'store');
    const r = await run(['ingest', '--data', store, f]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('E_BAD_RECORD');
    expect(r.stderr).toContain(`${f}:${line}`);
    expect(r.stderr).toMatch(reason);
    expect(await queryIds(store, '<segment><or><bought/><not><bought/></not></or></segment>', ['--as-of', AS_OF])).toEqual(before);
    return store;
  }

  it('NDJSON: stops at a bad line with file:N; the records before are applied, none after', async () => {
    const f = file('bad.ndjson', ndjson([
      order('O1', 'c1', 1_700_000_000_000, 'A'),
      order('O2', 'c2', '2026-01-01T00:00:00Z', 'A'),
      '',
      { ...order('O3', 'c3', 0, 'A'), lines: [{ sku: 'A', category: 'x', quantity: 0, amount: '1' }] },
      order('O5', 'c5', 0, 'A'),
      { type: 'tag', customer_id: 'c6', tag: 'vip', op: 'add' },
    ]));
    const store = await expectStop(f, 4, /quantity/, ['c1', 'c2']);
    // the applied prefix is durable: a fresh writer sees it, and can go on
    const more = file('more.ndjson', ndjson([order('O9', 'c9', 0, 'A')]));
    const r = await run(['ingest', '--data', store, more]);
    expect(r.code, r.stderr).toBe(0);
    expect(await queryIds(store, '<segment><bought/></segment>', ['--as-of', AS_OF])).toEqual(['c1', 'c2', 'c9']);
  });

  it('NDJSON: a line that is not JSON stops with its line number', async () => {
    const f = file('json.ndjson', ndjson([order('O1', 'c1', 0, 'A'), '{"type":"order",', order('O3', 'c3', 0, 'A')]));
    await expectStop(f, 2, /JSON/, ['c1']);
  });

  it('NDJSON: a duplicate order id stops with its line number', async () => {
    const f = file('dup.ndjson', ndjson([order('O1', 'c1', 0, 'A'), order('O2', 'c2', 0, 'A'), order('O1', 'c3', 0, 'B'), order('O4', 'c4', 0, 'A')]));
    await expectStop(f, 3, /duplicate/, ['c1', 'c2']);
  });

  it('NDJSON: a refund of an unknown order stops with its line number', async () => {
    const f = file('refund.ndjson', ndjson([order('O1', 'c1', 0, 'A'), { type: 'refund', order_id: 'O404' }, order('O3', 'c3', 0, 'A')]));
    await expectStop(f, 2, /O404/, ['c1']);
  });

  it('CSV: stops at a bad row with its physical line (after a quoted multi-line field)', async () => {
    const f = file('bad.csv', [
      'order_id,customer_id,ts,shop,status,sku,category,quantity,amount',
      'O1,c1,2026-01-01T00:00:00Z,tmall,paid,A,"multi',
      'line, category",1,10.00',
      'O2,c2,2026-01-01T00:00:00Z,tmall,paid,A,shoes,1,10.00',
      'O3,c3,2026-01-01T00:00:00Z,tmall,paid,A,shoes,1,10.005',
      'O4,c4,2026-01-01T00:00:00Z,tmall,paid,A,shoes,1,10.00',
    ].join('\n') + '\n');
    await expectStop(f, 5, /amount/, ['c1', 'c2']);
  });

  it('--skip-bad reports every skipped record with file:N and applies the rest', async () => {
    const f = file('skip.ndjson', ndjson([
      order('O1', 'c1', 0, 'A'),
      'not json',
      order('O2', 'c2', 0, 'A'),
      order('O1', 'c7', 0, 'A'), // duplicate
      order('O5', 'c8', 0, 'A', '1.005'),
      order('O6', 'c3', 0, 'A'),
      { type: 'refund', order_id: 'nope' },
    ]));
    const store = path.join(path.dirname(f), 'store');
    const r = await run(['ingest', '--data', store, '--skip-bad', f]);
    expect(r.code, r.stderr).toBe(0);
    const skipped = r.stderr.split('\n').filter((l) => /skipped: /.test(l));
    expect(skipped).toHaveLength(4);
    for (const [i, n] of [2, 4, 5, 7].entries()) {
      expect(skipped[i]).toContain(`${f}:${n}`);
      expect(skipped[i]).toContain('E_BAD_RECORD');
    }
    expect(r.stderr).toMatch(/4 skipped/);
    expect(await queryIds(store, '<segment><or><bought/><not><bought/></not></or></segment>', ['--as-of', AS_OF])).toEqual(['c1', 'c2', 'c3']);
  });

  it('--skip-bad goes on past several bad records in a row (consecutive duplicates)', async () => {
    const f = file('dups.ndjson', ndjson([
      order('O1', 'c1', 0, 'A'),
      order('O1', 'c1', 0, 'A'),
      order('O1', 'c1', 0, 'A'),
      { type: 'refund', order_id: 'nope' },
      order('O2', 'c2', 0, 'A'),
    ]));
    const store = path.join(path.dirname(f), 'store');
    const r = await within(4_000, run(['ingest', '--data', store, '--skip-bad', f]), 'ingest --skip-bad');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /skipped: /.test(l)).map((l) => /:(\d+): /.exec(l)?.[1])).toEqual(['2', '3', '4']);
    expect(await queryIds(store, '<segment><bought/></segment>', ['--as-of', AS_OF])).toEqual(['c1', 'c2']);
  });

  it('ingesting the same file twice stops at its first order as a duplicate', async () => {
    const f = file('twice.ndjson', ndjson([order('O1', 'c1', 0, 'A'), order('O2', 'c2', 0, 'A')]));
    const store = path.join(path.dirname(f), 'store');
    expect((await run(['ingest', '--data', store, f])).code).toBe(0);
    const r = await run(['ingest', '--data', store, f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:1`);
    expect(r.stderr).toContain('duplicate');
  });

  it('several files load in order; a bad second file keeps the first', async () => {
    const dir = tmpDir();
    const a = path.join(dir, 'a.ndjson');
    const b = path.join(dir, 'b.csv');
    fs.writeFileSync(a, ndjson([order('O1', 'c1', 0, 'A')]));
    fs.writeFileSync(b, 'order_id,customer_id,ts,shop,status,sku,category,quantity\nO2,c2,0,s,paid,A,x,1\n');
    const store = path.join(dir, 'store');
    const r = await run(['ingest', '--data', store, a, b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${b}:1`);
    expect(r.stderr).toContain('amount');
    expect(await queryIds(store, '<segment><bought/></segment>', ['--as-of', AS_OF])).toEqual(['c1']);
  });
});

describe('save, ref and explain', () => {
  let store: string;
  beforeAll(async () => {
    store = await dataStore();
  });

  it('save then query with <ref>', async () => {
    const s = await run(['save', '--data', store, '--name', 'xsell', '--expr', CROSS_SELL]);
    expect(s.code, s.stderr).toBe(0);
    const q = '<segment asOf="2026-11-12T00:00:00+08:00" tz="Asia/Shanghai"><ref segment="xsell"/></segment>';
    expect(await queryIds(store, q)).toEqual(['c1']);
    // refs combine with other conditions and survive a reopen by another command
    expect(await queryIds(store, '<segment><not><ref segment="xsell"/></not><bought/></segment>', ['--as-of', AS_OF, '--tz', 'Asia/Shanghai'])).toEqual(['c2', 'c5']);
  });

  it('save from --xml FILE, and a ref of a ref', async () => {
    const f = path.join(tmpDir(), 'vip.xml');
    fs.writeFileSync(f, '<segment><tag name="vip"/></segment>');
    expect((await run(['save', '--data', store, '--name', 'vips', '--xml', f])).code).toBe(0);
    expect((await run(['save', '--data', store, '--name', 'vips2', '--expr', '<segment><ref segment="vips"/></segment>'])).code).toBe(0);
    expect(await queryIds(store, '<segment><ref segment="vips2"/></segment>')).toEqual(['c1']);
  });

  it('save of a segment referring to an unknown name is E_UNKNOWN_SEGMENT', async () => {
    const r = await run(['save', '--data', store, '--name', 'x', '--expr', '<segment><ref segment="ghost"/></segment>']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_UNKNOWN_SEGMENT');
  });

  it('save refuses a ref cycle with E_REF_CYCLE', async () => {
    expect((await run(['save', '--data', store, '--name', 'cyc-a', '--expr', '<segment><tag name="vip"/></segment>'])).code).toBe(0);
    expect((await run(['save', '--data', store, '--name', 'cyc-b', '--expr', '<segment><ref segment="cyc-a"/></segment>'])).code).toBe(0);
    const r = await run(['save', '--data', store, '--name', 'cyc-a', '--expr', '<segment><ref segment="cyc-b"/></segment>']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_REF_CYCLE');
    // the old definition still stands
    expect(await queryIds(store, '<segment><ref segment="cyc-b"/></segment>')).toEqual(['c1']);
  });

  it('explain prints a tree with est= and actual= per node', async () => {
    const r = await run(['explain', '--data', store, '--expr', CROSS_SELL]);
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/count=1\b/);
    const nodes = out.slice(1);
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    for (const n of nodes) expect(n).toMatch(/est=\d+(\.\d+)? actual=\d+/);
    expect(nodes.some((n) => /^\s{2,}\S/.test(n)), 'children are indented').toBe(true);
    expect(nodes[0]).toMatch(/actual=1\b/);
    expect(r.stdout).toMatch(/bought/);
  });

  it('explain --json gives the same count as query, from stdin too', async () => {
    const r = await run(['explain', '--data', store, '--json', '-'], CROSS_SELL);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { count: number; plan: { estimate: number; actual: number } };
    expect(j.count).toBe(1);
    expect(j.plan.actual).toBe(1);
  });
});
