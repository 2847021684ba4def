/**
 * Issue 13 (hardening) for the command line: closed pipes, help examples,
 * --tz on existing stores, bad --data/--out paths, unreadable query files,
 * ingest from standard input, and the top-level error handler.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/common/cli-error.js';
import { main } from '../../src/cli/main.js';
import { ShandianError } from '../../src/model/errors.js';
import { BIN, cleanTmp, ensureBuilt, lines, ndjson, ROOT, run, tmpDir, within } from './helpers.js';

afterAll(cleanTmp);
beforeAll(() => {
  ensureBuilt();
});

const EVERYONE = '<segment><attr name="city" eq="X"/></segment>';

/** Runs the binary with stdout a pipe that this side closes after `keepLines` lines (0: at once). */
function runClosingStdout(argv: string[], keepLines: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (keepLines === 0) child.stdout.destroy();
    else {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (lines(stdout).length >= keepLines) child.stdout.destroy();
      });
    }
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('a closed stdout pipe (| head -1)', () => {
  let store: string;
  beforeAll(async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'customers.ndjson');
    // 30,000 ids are far more than a pipe buffer holds: the writer meets the closed pipe
    fs.writeFileSync(file, ndjson(Array.from({ length: 30_000 }, (_, i) => ({ type: 'customer', customer_id: `c${String(i).padStart(6, '0')}`, attrs: { city: 'X' } }))));
    store = path.join(dir, 'store');
    const r = await run(['ingest', '--data', store, file]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  for (const format of ['ids', 'ndjson']) {
    it(`query --format ${format} exits 0 without a word when the reader stops after one line`, async () => {
      const r = await within(30_000, runClosingStdout(['query', '--data', store, '--expr', EVERYONE, '--format', format], 1));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('c000000');
    });
  }

  for (const argv of [['explain'], ['explain', '--json'], ['query'], ['query', '--format', 'ids']]) {
    it(`${argv.join(' ')} exits 0 without a word when the reader has already gone`, async () => {
      const r = await within(30_000, runClosingStdout([...argv, '--data', store, '--expr', EVERYONE], 0));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  }
});

describe('help texts and summaries say what is true', () => {
  it('query, explain and save examples use the store the demo builds (demo-data/store)', async () => {
    const demo = fs.readFileSync(path.join(ROOT, 'bench/demo/demo.ts'), 'utf8');
    expect(demo).toContain("'demo-data'");
    expect(demo).toContain("path.join(DATA_DIR, 'store')");
    for (const cmd of ['query', 'explain', 'save']) {
      const help = (await run([cmd, '--help'])).stdout;
      const examples = help.split('\n').filter((l) => /^\s+(echo .*\| )?shandian /.test(l));
      expect(examples.length, cmd).toBeGreaterThan(0);
      for (const l of examples) expect(l, `${cmd}: ${l}`).toMatch(/--data \.\/demo-data\/store /);
    }
  });

  it('--as-of takes epoch milliseconds, as its hint and the help say', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'o.ndjson');
    fs.writeFileSync(file, ndjson([
      { type: 'order', order_id: 'O1', customer_id: 'a', ts: '2026-11-11T10:00:00+08:00', shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'c', quantity: 1, amount: '1.00' }] },
      { type: 'order', order_id: 'O2', customer_id: 'b', ts: '2026-11-12T10:00:00+08:00', shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'c', quantity: 1, amount: '1.00' }] },
    ]));
    const store = path.join(dir, 'store');
    expect((await run(['ingest', '--data', store, file])).code).toBe(0);
    expect((await run(['query', '--help'])).stdout).toContain('epoch milliseconds');
    const ms = String(Date.parse('2026-11-12T00:00:00+08:00'));
    for (const cmd of ['query', 'explain']) {
      const byMs = await run([cmd, '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', ms]);
      expect(byMs.code, byMs.stderr).toBe(0);
      expect(byMs.stdout).toMatch(cmd === 'query' ? /^1\n$/ : /^count=1 .*asOf=2026-11-11T16:00:00.000Z/);
    }
    const bad = await run(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', '99999999999999999999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^shandian: E_BAD_ARGS: .*--as-of.*\(.+\)\n$/);
  });

  for (const ext of ['csv', 'ndjson', 'arrow']) {
    it(`gen --out .${ext} says how many orders, order lines and records the file holds`, async () => {
      const dir = tmpDir();
      const out = path.join(dir, `o.${ext}`);
      const r = await run(['gen', '--out', out, '--orders', '500', '--seed', '9']);
      expect(r.code, r.stderr).toBe(0);
      const num = (re: RegExp) => Number(re.exec(r.stderr)?.[1]?.replace(/,/g, ''));
      expect(num(/([\d,]+) orders/)).toBe(500);
      if (ext === 'csv') {
        const rows = lines(fs.readFileSync(out, 'utf8')).length - 1; // the header
        expect(num(/([\d,]+) rows, one per order line/)).toBe(rows);
      } else if (ext === 'ndjson') {
        const recs = lines(fs.readFileSync(out, 'utf8')).map((l) => JSON.parse(l) as { type: string; lines?: unknown[] });
        expect(num(/([\d,]+) records/)).toBe(recs.length);
        expect(num(/\(([\d,]+) order lines\)/)).toBe(recs.reduce((s, x) => s + (x.lines?.length ?? 0), 0));
        expect(num(/([\d,]+) customers/)).toBe(recs.filter((x) => x.type === 'customer').length);
      } else {
        expect(r.stderr).toMatch(/[\d,]+ rows, one per order line, of 500 orders/);
        expect(r.stderr).not.toMatch(/\d records/);
      }
    });
  }
});

const ORDER = (id: string, customer: string, ts = '2026-11-11T10:00:00') =>
  ({ type: 'order', order_id: id, customer_id: customer, ts, shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'c', quantity: 1, amount: '1.00' }] });

describe('ingest --tz and new stores', () => {
  it('a first ingest that fails at its first record leaves no store behind; the next one with --tz records its zone', async () => {
    const dir = tmpDir();
    const bad = path.join(dir, 'bad.ndjson');
    fs.writeFileSync(bad, ndjson([{ type: 'order' }, ORDER('O1', 'a')]));
    const store = path.join(dir, 'new', 'store');
    const r = await run(['ingest', '--data', store, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_BAD_RECORD');
    expect(fs.existsSync(path.join(dir, 'new'))).toBe(false); // not even the parent it made
    // an existing empty directory stays as it was (empty)
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'keep.txt'), 'mine');
    expect((await run(['ingest', '--data', empty, bad])).code).toBe(2);
    expect(fs.readdirSync(empty)).toEqual(['keep.txt']);

    const good = path.join(dir, 'good.ndjson');
    fs.writeFileSync(good, ndjson([ORDER('O1', 'a', '2026-11-11T00:30:00')])); // local time: needs --tz
    const g = await run(['ingest', '--data', store, '--tz', 'Asia/Shanghai', good]);
    expect(g.code, g.stderr).toBe(0);
    const q = await run(['explain', '--data', store, '--expr', '<segment><bought from="2026-11-11" to="2026-11-11"/></segment>', '--as-of', '2026-12-01T00:00:00Z']);
    expect(q.stdout).toMatch(/^count=1 .* tz=Asia\/Shanghai\n/);
  });

  it('--tz that differs from an existing store\'s zone is E_BAD_ARGS naming both; the same zone is fine', async () => {
    const dir = tmpDir();
    const good = path.join(dir, 'good.ndjson');
    fs.writeFileSync(good, ndjson([ORDER('O1', 'a', '2026-11-11T10:00:00+08:00')]));
    const utc = path.join(dir, 'utc');
    expect((await run(['ingest', '--data', utc, good])).code).toBe(0);
    const r = await run(['ingest', '--data', utc, '--tz', 'Asia/Shanghai', good]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^shandian: E_BAD_ARGS: .*UTC.*Asia\/Shanghai.*\(.+\)\n$/);
    const sh = path.join(dir, 'sh');
    expect((await run(['ingest', '--data', sh, '--tz', 'Asia/Shanghai', good])).code).toBe(0);
    const p = await run(['ingest', '--data', sh, '--tz', 'Europe/Paris', good]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/E_BAD_ARGS: .*Asia\/Shanghai.*Europe\/Paris/);
    const more = path.join(dir, 'more.ndjson');
    fs.writeFileSync(more, ndjson([ORDER('O2', 'b', '2026-11-11T10:00:00+08:00')]));
    const same = await run(['ingest', '--data', sh, '--tz', 'Asia/Shanghai', more]);
    expect(same.code, same.stderr).toBe(0);
    fs.writeFileSync(more, ndjson([ORDER('O3', 'c', '2026-11-11T10:00:00+08:00')]));
    expect((await run(['ingest', '--data', sh, more])).code).toBe(0);
  });
});

describe('--data and --out paths are checked before anything is created', () => {
  const ok = (r: { code: number; stderr: string }, re: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^shandian: E_BAD_ARGS: .+ \(.+\)\n$/);
    expect(r.stderr).toMatch(re);
  };

  it('--data that is a file, under a file, or under /proc', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x');
    const input = path.join(dir, 'o.ndjson');
    fs.writeFileSync(input, ndjson([ORDER('O1', 'a', '2026-11-11T10:00:00+08:00')]));
    ok(await run(['ingest', '--data', file, input]), /is a file, not a directory/);
    ok(await run(['ingest', '--data', path.join(file, 'sub'), input]), /is a file, not a directory/);
    ok(await run(['gen', '--data', file, '--orders', '10']), /is a file, not a directory/);
    if (fs.existsSync('/proc/self')) {
      ok(await within(10_000, run(['ingest', '--data', '/proc/nope', input])), /cannot create \/proc\/nope/);
      ok(await within(10_000, run(['ingest', '--data', '/proc/nope/a/b', input])), /cannot create \/proc\/nope/);
      ok(await within(10_000, run(['gen', '--data', '/proc/nope', '--orders', '10'])), /cannot create \/proc\/nope/);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('--data in a directory this process may not write to', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere
    const dir = tmpDir();
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro, 0o500);
    ok(await run(['gen', '--data', path.join(ro, 's'), '--orders', '10']), /not writable/);
  });

  it('gen --out that is a directory, or in a missing directory or under a file', async () => {
    const dir = tmpDir();
    const sub = path.join(dir, 'd.ndjson');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    ok(await run(['gen', '--out', sub, '--orders', '10']), /is a directory/);
    ok(await run(['gen', '--out', path.join(dir, 'nope', 'o.ndjson'), '--orders', '10']), /does not exist/);
    ok(await run(['gen', '--out', path.join(dir, 'f', 'o.ndjson'), '--orders', '10']), /is a file, not a directory/);
    ok(await run(['gen', '--out', '/proc/nope/o.csv', '--orders', '10']), /does not exist/);
    expect(fs.existsSync(path.join(dir, 'nope'))).toBe(false);
  });
});

describe('ingest - reads NDJSON from standard input', () => {
  it('in-process: the same records, validation and messages as a file, named (stdin)', async () => {
    const dir = tmpDir();
    const store = path.join(dir, 's');
    const r = await run(['ingest', '--data', store, '-'], ndjson([ORDER('O1', 'a', '2026-11-11T10:00:00+08:00'), ORDER('O2', 'b', '2026-11-11T10:00:00+08:00')]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\(stdin\): 2 records/);
    const q = await run(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', '2030-01-01T00:00:00Z']);
    expect(q.stdout).toBe('2\n');
    const bad = await run(['ingest', '--data', store, '-'], ndjson([ORDER('O3', 'c', '2026-11-11T10:00:00+08:00'), { type: 'order' }]));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/E_BAD_RECORD: \(stdin\):2: /);
    const twice = await run(['ingest', '--data', store, '-', '-'], '');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('E_BAD_ARGS');
  });

  it('the binary streams a pipe: a bad record stops it while the pipe is still open', async () => {
    const dir = tmpDir();
    const store = path.join(dir, 's');
    const child = spawn(process.execPath, [BIN, 'ingest', '--data', store, '--tz', 'Asia/Shanghai', '-'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdin.write(ndjson([ORDER('O1', 'a'), ORDER('O2', 'b'), { type: 'nonsense' }])); // and never end it
    const code = await within(20_000, done, 'ingest - with an open pipe');
    child.stdin.destroy();
    expect(code).toBe(2);
    expect(stderr).toMatch(/E_BAD_RECORD: \(stdin\):3: /);
    const q = await run(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', '2030-01-01T00:00:00Z']);
    expect(q.stdout).toBe('2\n'); // the records before it stay applied
  });

  it('the binary reads a whole pipe', async () => {
    const dir = tmpDir();
    const store = path.join(dir, 's');
    const recs = Array.from({ length: 10_000 }, (_, i) => ORDER(`O${i}`, `c${i % 700}`, '2026-11-11T10:00:00+08:00'));
    const r = await within(60_000, new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'ingest', '--data', store, '-'], { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
      child.stdin.end(ndjson(recs));
    }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\(stdin\): 10,000 records/);
    const q = await run(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', '2030-01-01T00:00:00Z']);
    expect(q.stdout).toBe('700\n');
  });
});

describe('query files that are not UTF-8 text, and --xml paths', () => {
  let store: string;
  let dir: string;
  beforeAll(async () => {
    dir = tmpDir();
    const file = path.join(dir, 'o.ndjson');
    fs.writeFileSync(file, ndjson([{ type: 'customer', customer_id: 'a', attrs: { city: '厦门' } }, { type: 'customer', customer_id: 'b', attrs: { city: 'X' } }]));
    store = path.join(dir, 'store');
    expect((await run(['ingest', '--data', store, file])).code).toBe(0);
  });

  const QUERY = '<segment>\n  <attr name="city" eq="厦门"/>\n</segment>\n';
  const expectRefused = (r: { code: number; stdout: string; stderr: string }, file: string, offset: number, line: number, column: number) => {
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`E_XML_SYNTAX: ${file}:${line}:${column}: `);
    expect(r.stderr).toContain(`byte offset ${offset}`);
    expect(r.stderr).toMatch(/\(.*re-save the file as UTF-8.*\)\n$/);
  };

  it('UTF-8, with or without a byte order mark, answers', async () => {
    for (const [name, bytes] of [['plain.xml', Buffer.from(QUERY)], ['bom.xml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(QUERY)])]] as const) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, bytes);
      const r = await run(['query', '--data', store, '--xml', f, '--format', 'ids']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('a\n');
    }
  });

  it('GBK is refused at the first byte that is not UTF-8, with line and column', async () => {
    const f = path.join(dir, 'gbk.xml');
    // 厦门 in GBK: CF C3 C3 C5 (line 2, after `  <attr name="city" eq="`)
    const bytes = Buffer.concat([Buffer.from('<segment>\n  <attr name="city" eq="'), Buffer.from([0xcf, 0xc3, 0xc3, 0xc5]), Buffer.from('"/>\n</segment>\n')]);
    fs.writeFileSync(f, bytes);
    expectRefused(await run(['query', '--data', store, '--xml', f]), f, 34, 2, 25);
    // the same from standard input, and for explain
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    stdout.resume();
    const code = await main(['explain', '--data', store, '-'], { stdin: Readable.from([bytes]), stdout, stderr });
    expectRefused({ code, stdout: '', stderr: err }, '(stdin)', 34, 2, 25);
  });

  it('a stray 0xFF after multi-byte characters: the column counts characters', async () => {
    const f = path.join(dir, 'ff.xml');
    fs.writeFileSync(f, Buffer.concat([Buffer.from('<segment><attr name="city" eq="厦门'), Buffer.from([0xff]), Buffer.from('"/></segment>')]));
    expectRefused(await run(['query', '--data', store, '--xml', f]), f, 37, 1, 34);
  });

  it('UTF-16 with a byte order mark (LE and BE) and without one', async () => {
    const le = Buffer.from(QUERY, 'utf16le');
    const cases: [string, Buffer, number][] = [
      ['le-bom.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 0],
      ['be-bom.xml', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]), 0],
      ['le.xml', le, 1],
    ];
    for (const [name, bytes, offset] of cases) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, bytes);
      const r = await run(['query', '--data', store, '--xml', f]);
      expectRefused(r, f, offset, 1, offset + 1);
      expect(r.stderr).toContain('UTF-16');
    }
  });

  it('--xml of a directory is E_BAD_ARGS with a hint, not a system message', async () => {
    const r = await run(['query', '--data', store, '--xml', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^shandian: E_BAD_ARGS: --xml .*: is a directory, not a file \(give the path of a query file.*\)\n$/);
    expect(r.stderr).not.toMatch(/EISDIR|illegal operation/);
  });
});

describe('verify --help names the checksums the files really carry', () => {
  it('snapshot files: CRC-32 (CRC-32C before format 4); log frames and checked JSON: CRC-32C', async () => {
    const src = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
    // the facts the text states, checked against the code
    expect(src('src/snapshot/write-snapshot.ts')).toMatch(/crc32: crc32Chunked\(/);
    expect(src('src/log/frame.ts')).toMatch(/crc32c\(payload\)/);
    expect(src('src/log/checked-json.ts')).toMatch(/crc32c\(Buffer\.from\(body/);
    const help = (await run(['verify', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/snapshot file against its recorded length and CRC-32 \(/);
    expect(help).toMatch(/before format 4 recorded a CRC-32C/);
    expect(help).toMatch(/log frame \(a CRC-32C of its length and one of its payload\)/);
    expect(help).toMatch(/MANIFEST, meta\.json and segments\.json \(each carries a CRC-32C/);
  });
});

describe('the top-level error handler', () => {
  const sink = () => {
    const s = new PassThrough();
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    return { s, text: () => text };
  };

  it('an unexpected error is E_INTERNAL asking for a report (exit 1)', () => {
    const out = sink();
    expect(reportError(new TypeError('x is not a function'), out.s)).toBe(1);
    expect(out.text()).toMatch(/^shandian: E_INTERNAL: x is not a function \(this is a bug in shandian: please report it[^)]*\)\n/);
  });

  it('a system call failure is E_IO with the path and a hint, no stack (exit 1)', () => {
    let err: unknown;
    try {
      fs.readFileSync(path.join(tmpDir(), 'missing'));
    } catch (e) {
      err = e;
    }
    const out = sink();
    expect(reportError(err, out.s)).toBe(1);
    expect(out.text()).toMatch(/^shandian: E_IO: \/.*missing: ENOENT: no such file or directory \(check that the path exists\)\n$/);
  });

  it('a coded error raised without a hint still gets one', async () => {
    const dir = tmpDir();
    const r = await run(['ingest', '--data', path.join(dir, 's'), path.join(dir, 'missing.ndjson')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^shandian: E_BAD_ARGS: .*missing\.ndjson: no such file \(.+\)\n$/);
    const out = sink();
    expect(reportError(new ShandianError('E_CORRUPT', 'bad frame', { file: 'f', offset: 8 }), out.s)).toBe(1);
    expect(out.text()).toMatch(/^shandian: E_CORRUPT: f offset 8: bad frame \(run shandian verify.*\)\n$/);
  });

  it('every error the CLI tests provoke carries a code and a hint, and no stack', async () => {
    const dir = tmpDir();
    const cases = [
      ['query'], ['query', '--data', dir], ['query', '--data', dir, '--expr', '<segment/>'], ['nope'],
      ['ingest', '--data', dir, path.join(dir, 'x.txt')], ['gen', '--out', 'a.ndjson'], ['query', '--data', dir, '--expr', '<x', '--as-of', 'yesterday'],
    ];
    for (const argv of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).not.toBe(0);
      expect(r.stderr, argv.join(' ')).toMatch(/^shandian: E_[A-Z_]+: .+ \(.+\)\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
