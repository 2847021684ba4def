/**
 * `shandian query --format csv|arrow|ndjson --columns LIST --out FILE`
 * (contract 8.1): the exports from the command line, their errors, --out
 * atomicity, and a closed stdout pipe in the middle of a big export.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { tableFromIPC, Type } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TUNING } from '../../src/model/defaults.js';
import { parseCsv } from '../export/csv-reader.js';
import { BIN, cleanTmp, ensureBuilt, lines, ndjson, ROOT, run, tmpDir, within } from './helpers.js';

afterAll(cleanTmp);

const RECORDS = [
  { type: 'customer', customer_id: 'c1', attrs: { city: '厦门, "思明"', level: 3 } },
  { type: 'customer', customer_id: 'c,2', attrs: { city: 'line1\nline2', level: 'gold' } },
  { type: 'customer', customer_id: '客户3', attrs: { level: 7 } },
  { type: 'tag', customer_id: 'c1', tag: 'vip', op: 'add' },
  { type: 'tag', customer_id: '客户3', tag: 'vip', op: 'add' },
  { type: 'tag', customer_id: '客户3', tag: 'new', op: 'add' },
];
const EXPECTED: Record<string, { city: string | null; level: string | number | null; vip: boolean; new: boolean }> = {
  c1: { city: '厦门, "思明"', level: 3, vip: true, new: false },
  'c,2': { city: 'line1\nline2', level: 'gold', vip: false, new: false },
  客户3: { city: null, level: 7, vip: true, new: true },
};
const EVERYONE = '<segment><or><attr name="level" exists="true"/><tag name="vip"/></or></segment>';

let store: string;
let dir: string;
beforeAll(async () => {
  ensureBuilt();
  dir = tmpDir();
  const file = path.join(dir, 'records.ndjson');
  fs.writeFileSync(file, ndjson(RECORDS));
  store = path.join(dir, 'store');
  const r = await run(['ingest', '--data', store, file]);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

const query = (...extra: string[]) => run(['query', '--data', store, '--expr', EVERYONE, ...extra]);

describe('query --format csv | ndjson | arrow --columns', () => {
  it('csv: a header row and one RFC 4180 row per member with attributes and tags', async () => {
    const r = await query('--format', 'csv', '--columns', 'attr:city,attr:level,tag:vip,tag:new');
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual(['customer_id', 'attr:city', 'attr:level', 'tag:vip', 'tag:new']);
    expect(rows.length).toBe(4);
    for (const [id, city, level, vip, isNew] of rows.slice(1)) {
      const want = EXPECTED[id!]!;
      expect(city).toBe(want.city ?? undefined);
      expect(level).toBe(String(want.level));
      expect(vip).toBe(String(want.vip));
      expect(isNew).toBe(String(want.new));
    }
  });

  it('csv without columns is customer_id alone', async () => {
    const r = await query('--format', 'csv');
    expect(parseCsv(r.stdout).map((row) => row[0]).sort()).toEqual(['c,2', 'c1', 'customer_id', '客户3'].sort());
  });

  it('ndjson: typed values and null when absent', async () => {
    const r = await query('--format', 'ndjson', '--columns', 'attr:city,attr:level,tag:vip');
    expect(r.code, r.stderr).toBe(0);
    const rows = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.length).toBe(3);
    for (const row of rows) {
      const want = EXPECTED[row.customer_id as string]!;
      expect(row).toStrictEqual({ customer_id: row.customer_id, 'attr:city': want.city, 'attr:level': want.level, 'tag:vip': want.vip });
    }
  });

  it('arrow --out: an IPC stream with typed columns, member by member', async () => {
    const out = path.join(dir, 'all.arrow');
    const r = await query('--format', 'arrow', '--columns', 'attr:city,attr:level,tag:vip', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const table = tableFromIPC(fs.readFileSync(out));
    expect(table.numRows).toBe(3);
    expect(table.schema.fields.map((f) => [f.name, f.type.typeId])).toEqual([
      ['customer_id', Type.Utf8], ['attr:city', Type.Utf8], ['attr:level', Type.Utf8] /* 3 and "gold": mixed */, ['tag:vip', Type.Bool],
    ]);
    for (const row of table) {
      const want = EXPECTED[row.customer_id as string]!;
      expect(row['attr:city']).toBe(want.city);
      expect(row['attr:level']).toBe(String(want.level));
      expect(row['tag:vip']).toBe(want.vip);
    }
  });

  it('--out with csv and ids writes the file and nothing to stdout', async () => {
    const csv = path.join(dir, 'all.csv');
    const r = await query('--format', 'csv', '--columns', 'tag:vip', '--out', csv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(parseCsv(fs.readFileSync(csv, 'utf8')).length).toBe(4);
    const ids = path.join(dir, 'ids.txt');
    expect((await query('--format', 'ids', '--out', ids)).code).toBe(0);
    expect(lines(fs.readFileSync(ids, 'utf8')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});

describe('query export errors', () => {
  for (const [list, what] of [['attr:', 'the attr name is empty'], ['tag:', 'the tag name is empty'], ['city', 'no attr: or tag: prefix'], ['col:city', 'unknown prefix "col"'], ['', 'empty'], ['attr:a,,tag:b', 'column 2']]) {
    it(`--columns ${JSON.stringify(list)}: exit 2, E_BAD_ARGS (${what})`, async () => {
      const r = await query('--format', 'csv', '--columns', list!);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('E_BAD_ARGS');
      expect(r.stderr).toContain(what);
    });
  }

  it('--columns with count or ids: exit 2', async () => {
    for (const format of ['count', 'ids']) {
      const r = await query('--format', format, '--columns', 'tag:vip');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('E_BAD_ARGS');
    }
  });

  it('--out in a missing directory or onto a directory: exit 2, coded, nothing created', async () => {
    const missing = await query('--format', 'csv', '--out', path.join(dir, 'nope', 'x.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/E_BAD_ARGS: --out .*does not exist/);
    const onto = await query('--format', 'csv', '--out', dir);
    expect(onto.code).toBe(2);
    expect(onto.stderr).toMatch(/E_BAD_ARGS: --out .*is a directory/);
    expect(fs.existsSync(path.join(dir, 'nope'))).toBe(false);
  });

  it('a failed export leaves the old file as it was and no temporary file', async () => {
    const sub = path.join(dir, 'keep');
    fs.mkdirSync(sub);
    const out = path.join(sub, 'campaign.csv');
    fs.writeFileSync(out, 'old\n');
    const r = await run(['query', '--data', store, '--expr', '<segment><nope/></segment>', '--format', 'csv', '--out', out]);
    expect(r.code).toBe(2);
    expect(fs.readFileSync(out, 'utf8')).toBe('old\n');
    expect(fs.readdirSync(sub)).toEqual(['campaign.csv']);
    const broken = await run(['query', '--data', path.join(dir, 'no-store'), '--expr', EVERYONE, '--format', 'arrow', '--out', out]);
    expect(broken.code).not.toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe('old\n');
    expect(fs.readdirSync(sub)).toEqual(['campaign.csv']);
  });

  it('arrow to a terminal is refused (binary), with a hint', async () => {
    const stdout = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await main(['query', '--data', store, '--expr', EVERYONE, '--format', 'arrow'], { stdin: process.stdin, stdout, stderr });
    expect(code).toBe(2);
    expect(err).toContain('--out FILE');
  });

  it('--help teaches the new flags with examples', async () => {
    const help = (await run(['query', '--help'])).stdout;
    for (const s of ['--format F', 'csv:', 'arrow:', '--columns LIST', 'attr:NAME', 'tag:NAME', '--out FILE', '--format csv --columns', '--format arrow --columns']) expect(help).toContain(s);
  });
});

/** Runs the binary with stdout a pipe that this side closes after `keepBytes` bytes. */
function runClosingStdout(argv: string[], keepBytes: number): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let got = 0;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= keepBytes) child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
  });
}

describe('a big export into a closed pipe (| head -c)', () => {
  let big: string;
  beforeAll(async () => {
    const d = tmpDir();
    const file = path.join(d, 'customers.ndjson');
    const recs: object[] = [];
    for (let i = 0; i < 60_000; i++) {
      recs.push({ type: 'customer', customer_id: `c${String(i).padStart(6, '0')}`, attrs: { city: i % 2 ? 'X' : '厦门', level: i % 10 } });
      if (i % 3 === 0) recs.push({ type: 'tag', customer_id: `c${String(i).padStart(6, '0')}`, tag: 'vip', op: 'add' });
    }
    fs.writeFileSync(file, ndjson(recs));
    big = path.join(d, 'store');
    const r = await run(['ingest', '--data', big, file]);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  for (const format of ['csv', 'ndjson', 'arrow']) {
    it(`--format ${format} --columns exits 0 without a word`, async () => {
      const r = await within(60_000, runClosingStdout(['query', '--data', big, '--expr', '<segment><attr name="level" exists="true"/></segment>', '--format', format, '--columns', 'attr:city,tag:vip'], 1000));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    }, 60_000);
  }

  it('the whole export through a pipe has every member', async () => {
    const r = await run(['query', '--data', big, '--expr', '<segment><attr name="level" exists="true"/></segment>', '--format', 'csv', '--columns', 'attr:level,tag:vip']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows.length).toBe(60_001);
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    expect(byId.get('c000003')).toEqual(['c000003', '3', 'true']);
    expect(byId.get('c000004')).toEqual(['c000004', '4', 'false']);
  }, 60_000);
});

describe('progress of a big export', () => {
  let big: string;
  beforeAll(async () => {
    big = path.join(tmpDir(), 'store');
    // every generated customer has a city: the segment below holds them all
    const r = await run(['gen', '--data', big, '--orders', '210000', '--customers', String(TUNING.EXPORT_PROGRESS_MEMBERS + 5000), '--seed', '3']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  const runWith = async (stderrIsTTY: boolean, argv: string[]) => {
    const stdout = new PassThrough();
    stdout.resume(); // drain
    const stderr = Object.assign(new PassThrough(), { isTTY: stderrIsTTY, columns: 100 });
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await main(argv, { stdin: process.stdin, stdout, stderr });
    return { code, err };
  };
  const argv = (format: string) => ['query', '--data', big, '--expr', '<segment><attr name="city" exists="true"/></segment>', '--format', format, '--columns', 'attr:city,tag:vip'];

  it('is drawn on a terminal stderr, ending at 100%', async () => {
    const { code, err } = await runWith(true, argv('csv'));
    expect(code).toBe(0);
    expect(err).toContain('export [');
    expect(err).toContain('100.0%');
    expect(err).toContain(`${(TUNING.EXPORT_PROGRESS_MEMBERS + 5000).toLocaleString('en-US')} members`);
  }, 60_000);

  it('is not drawn when stderr is a pipe or a file', async () => {
    const { code, err } = await runWith(false, argv('arrow'));
    expect(code).toBe(0);
    expect(err).toBe('');
  }, 60_000);
});
