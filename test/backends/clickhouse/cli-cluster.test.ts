// The CLI on a local 2-node ClickHouse cluster against the CLI on a --data
// store: the same generated file ingested both ways, every fixture query
// (fixtures/queries/) and a few more give the same customers; bad records
// are refused the same way (exit 2, same message), nothing of a refused
// batch applied; a node down is exit 1 with E_CLUSTER_UNAVAILABLE.
// Skipped, with a message, without clickhouse-server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, expect, it } from 'vitest';
import { BIN, cleanTmp, ROOT, run, sorted, tmpDir } from '../../cli/helpers.js';
import { describeClickHouse, freshDatabase, useLocalCluster } from './cluster-harness.js';
import { chQuery } from './sql/load-rows.js';

const AS_OF = '2026-12-01T00:00:00+08:00';
const FIXTURES = path.join(ROOT, 'fixtures/queries');

const EXTRA = [
  '<segment><bought/></segment>',
  '<segment><not><bought/></not></segment>',
  '<segment><bought minCount="2" last="90d"/></segment>',
  '<segment><or><tag name="vip"/><attr name="level" eq="gold"/></or></segment>',
  '<segment><and><bought category="shoes"/><not><bought category="bags" last="30d"/></not></and></segment>',
];

describeClickHouse('CLI --clickhouse == CLI --data (2-node cluster)', () => {
  const cluster = useLocalCluster({ nodes: 2 });
  afterAll(() => cleanTmp());

  it('ingest then query, explain, save, portrait: same customers as in-process', async () => {
    const dir = tmpDir('shandian-ch-cli-');
    const file = path.join(dir, 'orders.ndjson');
    expect((await run(['gen', '--out', file, '--orders', '6000', '--customers', '900', '--seed', '7'])).code).toBe(0);
    const store = path.join(dir, 'store');
    expect((await run(['ingest', '--data', store, file])).code).toBe(0);
    const database = freshDatabase('cli');
    const ch = ['--clickhouse', cluster().urls.join(','), '--cluster', cluster().name, '--database', database];
    const ingest = await run(['ingest', ...ch, file]);
    expect(ingest.stderr).toContain('records in');
    expect(ingest.code).toBe(0);
    // both nodes hold part of the data
    for (const url of cluster().urls) {
      expect(Number((await chQuery(url, `SELECT count() FROM \`${database}\`.order_lines_local`)).trim()), url).toBeGreaterThan(0);
    }
    const queries = [...fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.xml')).map((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8')), ...EXTRA];
    let nonEmpty = 0;
    for (const xml of queries) {
      const local = await run(['query', '--data', store, '--expr', xml, '--as-of', AS_OF, '--format', 'ids']);
      const remote = await run(['query', ...ch, '--expr', xml, '--as-of', AS_OF, '--format', 'ids']);
      expect(remote.stderr, xml).toBe('');
      expect(remote.code, xml).toBe(local.code);
      expect(sorted(remote.stdout), xml).toEqual(sorted(local.stdout));
      const count = await run(['query', ...ch, '--expr', xml, '--as-of', AS_OF]);
      expect(count.stdout.trim(), xml).toBe(String(sorted(local.stdout).length));
      if (sorted(local.stdout).length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(queries.length / 2);
    // exports: ndjson and csv, with attribute and tag columns, the same rows as in-process
    for (const format of ['ndjson', 'csv']) {
      for (const extra of [[], ['--columns', 'attr:city,attr:level,attr:age,tag:vip,attr:nope,tag:nope']]) {
        const argv = ['--expr', EXTRA[3]!, '--as-of', AS_OF, '--format', format, ...extra];
        const l = await run(['query', '--data', store, ...argv]);
        const r = await run(['query', ...ch, ...argv]);
        expect(r.stderr, `${format} ${extra.join(' ')}`).toBe('');
        const split = (text: string) => {
          const rows = text.split(/\r?\n/);
          return format === 'csv' ? { header: rows[0], rows: rows.slice(1).sort() } : { header: '', rows: rows.sort() };
        };
        expect(split(r.stdout), `${format} ${extra.join(' ')}`).toEqual(split(l.stdout));
        expect(split(l.stdout).rows.length).toBeGreaterThan(10);
      }
    }
    const outFile = path.join(dir, 'out.csv');
    expect((await run(['query', ...ch, '--expr', EXTRA[3]!, '--as-of', AS_OF, '--format', 'csv', '--columns', 'tag:vip', '--out', outFile])).code).toBe(0);
    expect(fs.readFileSync(outFile, 'utf8').split('\r\n')[0]).toBe('customer_id,tag:vip');
    // arrow, with and without --columns, to --out and to a pipe (the built binary): the same schema and rows as in-process
    for (const extra of [[], ['--columns', 'attr:city,attr:level,attr:age,tag:vip,attr:nope,tag:nope']]) {
      const argv = ['--expr', EXTRA[3]!, '--as-of', AS_OF, '--format', 'arrow', ...extra];
      const localFile = path.join(dir, 'local.arrow'), remoteFile = path.join(dir, 'remote.arrow');
      expect((await run(['query', '--data', store, ...argv, '--out', localFile])).code).toBe(0);
      const r = await run(['query', ...ch, ...argv, '--out', remoteFile]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const expected = arrowRows(tableFromIPC(fs.readFileSync(localFile)));
      expect(expected.rows.length).toBeGreaterThan(10);
      expect(expected.schema.length).toBe(1 + (extra.length ? 6 : 0));
      expect(arrowRows(tableFromIPC(fs.readFileSync(remoteFile))), extra.join(' ')).toEqual(expected);
      const piped = await spawnBytes(['query', ...ch, ...argv]);
      expect(piped.stderr).toBe('');
      expect(piped.code).toBe(0);
      expect(arrowRows(tableFromIPC(piped.stdout)), `pipe ${extra.join(' ')}`).toEqual(expected);
    }
    // explain prints the SQL
    const explain = await run(['explain', ...ch, '--expr', EXTRA[2]!, '--as-of', AS_OF]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/^count=\d+ /);
    expect(explain.stdout).toContain('SELECT DISTINCT customer_id FROM');
    // save in the cluster, then a ref to it, the same as in-process
    const saved = EXTRA[3]!;
    expect((await run(['save', ...ch, '--name', 'vipgold', '--expr', saved])).code).toBe(0);
    expect((await run(['save', '--data', store, '--name', 'vipgold', '--expr', saved])).code).toBe(0);
    const ref = '<segment><ref segment="vipgold"/><bought last="180d"/></segment>';
    const l = await run(['query', '--data', store, '--expr', ref, '--as-of', AS_OF, '--format', 'ids']);
    const r = await run(['query', ...ch, '--expr', ref, '--as-of', AS_OF, '--format', 'ids']);
    expect(sorted(r.stdout)).toEqual(sorted(l.stdout));
    // portrait: the same json
    const by = ['--by', 'attr:city', '--by', 'tag', '--by', 'category:last=90d'];
    const pl = await run(['portrait', '--data', store, '--expr', EXTRA[0]!, '--as-of', AS_OF, '--format', 'json', ...by]);
    const pr = await run(['portrait', ...ch, '--expr', EXTRA[0]!, '--as-of', AS_OF, '--format', 'json', ...by]);
    expect(pr.stderr).toBe('');
    expect(JSON.parse(pr.stdout)).toEqual(JSON.parse(pl.stdout));
    // bad arguments
    expect((await run(['query', ...ch, '--data', store, '--expr', EXTRA[0]!])).code).toBe(2);
    expect((await run(['query', '--cluster', 'x', '--expr', EXTRA[0]!])).code).toBe(2);
    expect((await run(['save', ...ch, '--name', 'l', '--live', '--expr', EXTRA[0]!])).code).toBe(2);
  });

  it('bad records: the same exit code and message as in-process; the records before the bad one applied, nothing of it', async () => {
    const dir = tmpDir('shandian-ch-cli-');
    const file = path.join(dir, 'bad.ndjson');
    const order = (id: string, c: string) => JSON.stringify({ type: 'order', order_id: id, customer_id: c, ts: '2026-11-11T00:03:12+08:00', shop: 's', status: 'paid', lines: [{ sku: 'A', category: 'x', quantity: 1, amount: '1.00' }] });
    for (const [name, lines] of [
      ['dup', [order('A', 'c1'), order('B', 'c2'), order('A', 'c3'), order('C', 'c4')]],
      ['refund', [order('A', 'c1'), JSON.stringify({ type: 'refund', order_id: 'Z' }), order('C', 'c4')]],
      ['amount', [order('A', 'c1'), order('B', 'c2').replace('"1.00"', '"1.001"'), order('C', 'c4')]],
    ] as const) {
      fs.writeFileSync(file, lines.join('\n') + '\n');
      const store = path.join(dir, `store-${name}`);
      const database = freshDatabase('clibad');
      const ch = ['--clickhouse', cluster().urls.join(','), '--cluster', cluster().name, '--database', database];
      const local = await run(['ingest', '--data', store, file]);
      const remote = await run(['ingest', ...ch, file]);
      expect(remote.code, name).toBe(2);
      expect(local.code, name).toBe(2);
      const errorLine = (s: string) => s.split('\n').find((x) => x.includes('E_BAD_RECORD'));
      expect(errorLine(remote.stderr), name).toBe(errorLine(local.stderr));
      const ids = await run(['query', ...ch, '--expr', '<segment><bought/></segment>', '--format', 'ids']);
      const localIds = await run(['query', '--data', store, '--expr', '<segment><bought/></segment>', '--format', 'ids']);
      expect(sorted(ids.stdout), name).toEqual(sorted(localIds.stdout));
    }
  });

  it('a node down: exit 1 with E_CLUSTER_UNAVAILABLE naming it, no answer printed', async () => {
    const database = freshDatabase('clidown');
    const ch = ['--clickhouse', cluster().urls.join(','), '--cluster', cluster().name, '--database', database];
    const dir = tmpDir('shandian-ch-cli-');
    const file = path.join(dir, 'o.ndjson');
    expect((await run(['gen', '--out', file, '--orders', '200', '--seed', '3'])).code).toBe(0);
    expect((await run(['ingest', ...ch, file])).code).toBe(0);
    await cluster().nodes[1]!.stop();
    try {
      for (const argv of [['query', ...ch, '--expr', '<segment><bought/></segment>', '--format', 'ids'], ['ingest', ...ch, file], ['explain', ...ch, '--expr', '<segment><bought/></segment>']]) {
        const r = await run(argv);
        expect(r.code, argv[0]).toBe(1);
        expect(r.stdout, argv[0]).toBe('');
        expect(r.stderr, argv[0]).toContain('E_CLUSTER_UNAVAILABLE');
        expect(r.stderr, argv[0]).toContain(cluster().urls[1]!);
      }
    } finally {
      await cluster().nodes[1]!.start();
    }
  });
});

/** An Arrow table's schema as text and its rows sorted by customer_id. */
function arrowRows(table: Table): { schema: string[]; rows: Record<string, unknown>[] } {
  const schema = table.schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? '?' : ''}`);
  const rows = table.toArray().map((r) => ({ ...(r as { toJSON(): Record<string, unknown> }).toJSON() }));
  rows.sort((a, b) => (String(a.customer_id) < String(b.customer_id) ? -1 : String(a.customer_id) > String(b.customer_id) ? 1 : 0));
  return { schema, rows };
}

/** Runs the built binary with standard output a pipe, kept as bytes. */
function spawnBytes(argv: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr }));
  });
}
