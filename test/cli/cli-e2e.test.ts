/**
 * The built CLI binary end to end (contract sections 4 and 6): exit codes,
 * the single-writer lock, kill -9 in the middle of an ingest, corrupt stores.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { BIN, cleanTmp, ensureBuilt, lines, ndjson, order, ROOT, run, sorted, spawnCli, tmpDir } from './helpers.js';

afterAll(cleanTmp);
beforeAll(() => {
  ensureBuilt();
});

const AS_OF = '2030-01-01T00:00:00Z';
const EVERYONE = '<segment><or><bought/><not><bought/></not></or></segment>';

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((resolve) => child.on('exit', resolve));
  return pid;
}

describe('end to end with the built binary', () => {
  it('gen, ingest, queries from stdin and --expr, a bad query (exit 2), a bad record at line N (file:N, exit 2)', async () => {
    const dir = tmpDir();
    const out = path.join(dir, 'o.ndjson');
    expect((await run(['gen', '--out', out, '--orders', '300', '--seed', '4'])).code).toBe(0);
    const store = path.join(dir, 'store');
    const i = await spawnCli(['ingest', '--data', store, out]);
    expect(i.code, i.stderr).toBe(0);
    expect(i.stderr).toMatch(/records/);
    const bad = path.join(dir, 'bad.ndjson');
    fs.writeFileSync(bad, ndjson([order('N1', 'n1', 0, 'A'), { ...order('N2', 'n2', 0, 'A'), customer_id: '' }]));
    const [c, ids, e, r] = await Promise.all([
      spawnCli(['query', '--data', store, '-', '--as-of', AS_OF], '<segment><bought/></segment>'),
      spawnCli(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', AS_OF, '--format', 'ids']),
      spawnCli(['query', '--data', store, '-'], '<segment><bought last="5"/></segment>'),
      spawnCli(['ingest', '--data', path.join(dir, 'store2'), bad]),
    ]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/^[1-9]\d*\n$/);
    expect(lines(ids.stdout)).toHaveLength(Number(c.stdout));
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('E_BAD_DURATION');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2`);
    expect(r.stderr).toContain('E_BAD_RECORD');
    expect(r.stderr).toContain('customer_id');
    expect(sorted((await run(['query', '--data', path.join(dir, 'store2'), '--expr', EVERYONE, '--format', 'ids', '--as-of', AS_OF])).stdout)).toEqual(['n1']);
  });

  it('a second writer gets E_LOCKED (exit 1) while queries still run', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'd.ndjson');
    fs.writeFileSync(f, ndjson([order('O1', 'c1', 0, 'A')]));
    const store = path.join(dir, 'store');
    const holder = await Engine.open({ dir: store, shards: 2 });
    try {
      await holder.append([order('H1', 'h1', 0, 'A')]);
      const [r, s, q] = await Promise.all([
        spawnCli(['ingest', '--data', store, f]),
        spawnCli(['save', '--data', store, '--name', 'x', '--expr', '<segment><tag name="vip"/></segment>']),
        spawnCli(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--format', 'ids', '--as-of', AS_OF]),
      ]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('E_LOCKED');
      expect(s.code).toBe(1);
      expect(s.stderr).toContain('E_LOCKED');
      // readers take no lock: they see what the writer acknowledged
      expect(q.code, q.stderr).toBe(0);
      expect(sorted(q.stdout)).toEqual(['h1']);
    } finally {
      await holder.close();
    }
    const again = await run(['ingest', '--data', store, f]);
    expect(again.code, again.stderr).toBe(0);
  });

  it('a LOCK left by a writer that died is taken over', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'd.ndjson');
    fs.writeFileSync(f, ndjson([order('O1', 'c1', 0, 'A')]));
    const store = path.join(dir, 'store');
    expect((await run(['ingest', '--data', store, f])).code).toBe(0);
    fs.writeFileSync(path.join(store, 'LOCK'), `${await deadPid()}\n`);
    const g = path.join(dir, 'e.ndjson');
    fs.writeFileSync(g, ndjson([order('O2', 'c2', 0, 'A')]));
    const r = await run(['ingest', '--data', store, g]);
    expect(r.code, r.stderr).toBe(0);
    expect(sorted((await run(['query', '--data', store, '--expr', EVERYONE, '--format', 'ids', '--as-of', AS_OF])).stdout)).toEqual(['c1', 'c2']);
  });

  it('a LOCK left by a killed writer whose pid now belongs to an unrelated live process does not block the store', async () => {
    // pid reuse after kill -9 (common in containers): a live process that is no shandian writer holds that pid
    const dir = tmpDir();
    const f = path.join(dir, 'd.ndjson');
    fs.writeFileSync(f, ndjson([order('O1', 'c1', 0, 'A')]));
    const store = path.join(dir, 'store');
    expect((await run(['ingest', '--data', store, f])).code).toBe(0);
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(store, 'LOCK'), `${other.pid}\n`);
      const g = path.join(dir, 'e.ndjson');
      fs.writeFileSync(g, ndjson([order('O2', 'c2', 0, 'A')]));
      const r = await run(['ingest', '--data', store, g]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('kill -9 in the middle of an ingest: the store reopens without repair, and a re-run with --skip-bad completes it', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'big.ndjson');
    expect((await run(['gen', '--out', file, '--orders', '8000', '--customers', '800', '--seed', '9'])).code).toBe(0);
    const store = path.join(dir, 'store');
    const log = path.join(store, 'log', '00000001.log');
    const child = spawn(process.execPath, [BIN, 'ingest', '--data', store, file], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let killedEarly = false;
    for (let t = 0; t < 600; t++) {
      const size = fs.existsSync(log) ? fs.statSync(log).size : 0;
      if (size > 0) {
        killedEarly = child.kill('SIGKILL');
        break;
      }
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await exited;
    expect(killedEarly, 'the writer was killed while ingesting').toBe(true);
    expect(fs.existsSync(path.join(store, 'LOCK')), 'the dead writer left its LOCK').toBe(true);

    // readers see an acknowledged prefix
    const mid = await run(['query', '--data', store, '--expr', EVERYONE, '--as-of', AS_OF]);
    expect(mid.code, mid.stderr).toBe(0);
    const partial = Number(mid.stdout);

    // the recovered store takes the rest: re-ingest, skipping what is already there
    const again = await spawnCli(['ingest', '--data', store, '--skip-bad', file], undefined, 20_000);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/E_CORRUPT/);

    // the result equals a clean load (oracle: the file itself)
    const recs = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const refunded = new Set(recs.filter((r) => r.type === 'refund').map((r) => r.order_id));
    const buyers = new Set<string>();
    const known = new Set<string>();
    for (const r of recs) {
      if (typeof r.customer_id === 'string') known.add(r.customer_id);
      if (r.type === 'order' && r.status === 'paid' && !refunded.has(r.order_id)) buyers.add(r.customer_id as string);
    }
    expect(partial).toBeLessThanOrEqual(known.size);
    const all = await run(['query', '--data', store, '--expr', EVERYONE, '--as-of', AS_OF]);
    expect(Number(all.stdout)).toBe(known.size);
    const bought = await run(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', AS_OF]);
    expect(Number(bought.stdout)).toBe(buyers.size);
  });

  it('a corrupt log is E_CORRUPT with exit 1, for readers and writers, and is left as it is', async () => {
    const dir = tmpDir();
    const store = path.join(dir, 'store');
    for (let k = 0; k < 4; k++) {
      const f = path.join(dir, `part${k}.ndjson`);
      fs.writeFileSync(f, ndjson(Array.from({ length: 20 }, (_, i) => order(`P${k}-${i}`, `c${i}`, 1_700_000_000_000 + i, 'A', '12.34'))));
      const r = await run(['ingest', '--data', store, f]);
      expect(r.code, r.stderr).toBe(0);
    }
    const log = path.join(store, 'log', '00000001.log');
    const ok = await run(['query', '--data', store, '--expr', '<segment><bought minCount="4"/></segment>', '--as-of', AS_OF]);
    expect(ok.stdout).toBe('20\n');
    const bytes = fs.readFileSync(log);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = bytes[mid]! ^ 0x5a;
    fs.writeFileSync(log, bytes);
    const f = path.join(dir, 'more.ndjson');
    fs.writeFileSync(f, ndjson([order('M1', 'm1', 0, 'A')]));
    const q = await spawnCli(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--as-of', AS_OF]);
    const i = await run(['ingest', '--data', store, f]);
    const x = await run(['explain', '--data', store, '--expr', '<segment><bought/></segment>']);
    for (const r of [q, i, x]) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('E_CORRUPT');
      expect(r.stderr).toContain('00000001.log');
      expect(r.stdout).toBe('');
    }
    // nothing was "repaired" away
    expect(fs.readFileSync(log).equals(bytes)).toBe(true);
  });

  it('a flipped byte in the last frame is E_CORRUPT too, not a torn tail to drop', async () => {
    const dir = tmpDir();
    const store = path.join(dir, 'store');
    for (let k = 0; k < 2; k++) {
      const f = path.join(dir, `part${k}.ndjson`);
      fs.writeFileSync(f, ndjson(Array.from({ length: 30 }, (_, i) => order(`L${k}-${i}`, `c${i}`, 0, 'A'))));
      expect((await run(['ingest', '--data', store, f])).code).toBe(0);
    }
    const log = path.join(store, 'log', '00000001.log');
    const bytes = fs.readFileSync(log);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01;
    fs.writeFileSync(log, bytes);
    const f = path.join(dir, 'more.ndjson');
    fs.writeFileSync(f, ndjson([order('M1', 'm1', 0, 'A')]));
    const i = await run(['ingest', '--data', store, f]);
    expect(i.code, i.stderr).toBe(1);
    expect(i.stderr).toContain('E_CORRUPT');
    expect(fs.readFileSync(log).equals(bytes)).toBe(true);
  });

  it('a damaged meta.json or segments.json is E_CORRUPT, exit 1', async () => {
    const dir = tmpDir();
    const store = path.join(dir, 'store');
    const f = path.join(dir, 'a.ndjson');
    fs.writeFileSync(f, ndjson([order('O1', 'c1', 0, 'A')]));
    expect((await run(['ingest', '--data', store, f])).code).toBe(0);
    expect((await run(['save', '--data', store, '--name', 's', '--expr', '<segment><bought/></segment>'])).code).toBe(0);
    for (const name of ['meta.json', 'segments.json']) {
      const p = path.join(store, name);
      const good = fs.readFileSync(p);
      fs.writeFileSync(p, good.subarray(0, Math.floor(good.length / 2)));
      const q = await run(['query', '--data', store, '--expr', '<segment><bought/></segment>']);
      expect(q.code, `${name}: ${q.stderr}`).toBe(1);
      expect(q.stderr).toContain('E_CORRUPT');
      expect(q.stderr).toContain(name);
      fs.writeFileSync(p, good);
    }
  });

  it('a log cut inside its last frame (a torn append) is recovered by the next writer and reported', async () => {
    const dir = tmpDir();
    const store = path.join(dir, 'store');
    for (let k = 0; k < 2; k++) {
      const f = path.join(dir, `part${k}.ndjson`);
      fs.writeFileSync(f, ndjson(Array.from({ length: 10 }, (_, i) => order(`T${k}-${i}`, `k${k}c${i}`, 0, 'A'))));
      expect((await run(['ingest', '--data', store, f])).code).toBe(0);
    }
    const log = path.join(store, 'log', '00000001.log');
    fs.truncateSync(log, fs.statSync(log).size - 5);
    const q = await run(['query', '--data', store, '--expr', EVERYONE, '--as-of', AS_OF]);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toBe('10\n'); // the first frame only
    const f = path.join(dir, 'more.ndjson');
    fs.writeFileSync(f, ndjson([order('M1', 'm1', 0, 'A')]));
    const i = await run(['ingest', '--data', store, f]);
    expect(i.code, i.stderr).toBe(0);
    expect(i.stderr).toMatch(/torn|recovered/i);
    expect((await run(['query', '--data', store, '--expr', EVERYONE, '--as-of', AS_OF])).stdout).toBe('11\n');
  });
});
