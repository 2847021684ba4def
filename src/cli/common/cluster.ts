import { ClusterEngine, type ClusterEngineOptions } from '../../backends/clickhouse/cluster/cluster-engine.js';
import { CLICKHOUSE_DEFAULTS } from '../../backends/clickhouse/cluster/options.js';
import { writeFileAtomically } from '../../export/write-export.js';
import { checkTz } from '../../model/query-instant.js';
import { badArgs } from './cli-error.js';
import { write, type CliIo } from './io.js';
import { ingestFilesWithProgress } from './ingest-files.js';

/**
 * The CLI's ClickHouse side (contract 9): `--clickhouse URLS --cluster NAME
 * --database DB` instead of `--data DIR` for ingest, query, explain, save
 * and portrait, and what those commands do on a cluster.
 */

/** The flags, for each command's parseOptions. */
export const CLUSTER_FLAGS = {
  clickhouse: { type: 'string' },
  cluster: { type: 'string' },
  database: { type: 'string' },
} as const;

/** The flags' --help lines. */
export const CLUSTER_HELP = `  --clickhouse URLS  instead of --data: a ClickHouse cluster, every node's HTTP URL
                     comma-separated (http://ch1:8123,http://ch2:8123); the first coordinates
  --cluster NAME     the cluster of the servers' remote_servers (absent: one node)
  --database DB      the ClickHouse database (default ${CLICKHOUSE_DEFAULTS.database})`;

/** Where the command works: the ClickHouse options with --clickhouse, undefined with --data. */
export function clusterOption(values: Record<string, unknown>): ClusterEngineOptions | undefined {
  const urls = values.clickhouse;
  if (urls === undefined) {
    if (values.cluster !== undefined || values.database !== undefined) throw badArgs('--cluster and --database go with --clickhouse URLS');
    return undefined;
  }
  if (values.data !== undefined) throw badArgs('give either --data DIR or --clickhouse URLS, not both');
  if (typeof urls !== 'string' || urls.trim() === '') throw badArgs('--clickhouse needs the nodes\' HTTP URLs, comma-separated');
  const clickhouse: ClusterEngineOptions['clickhouse'] = { urls };
  if (typeof values.cluster === 'string') clickhouse.cluster = values.cluster;
  if (typeof values.database === 'string') clickhouse.database = values.database;
  return { clickhouse };
}

/** `ingest --clickhouse`: the database and tables on every node when missing, then each file in batches. */
export async function ingestIntoCluster(options: ClusterEngineOptions, files: readonly string[], flags: { tz?: string; skipBad: boolean }, io: CliIo): Promise<void> {
  checkTz(flags.tz);
  const engine = await ClusterEngine.open(options);
  try {
    await engine.createTables();
    await ingestFilesWithProgress(engine, files, { skipBad: flags.skipBad, tz: flags.tz, batchSize: CLICKHOUSE_DEFAULTS.batchRecords }, io);
    io.stderr.write(`ClickHouse ${engine.target.cluster ? `cluster ${engine.target.cluster} (${engine.urls.length} nodes)` : engine.urls[0]}, database ${engine.target.database}\n`);
  } finally {
    await engine.close();
  }
}

/** `query --clickhouse`: count (only the number is fetched), ids, or ndjson/csv/arrow with --columns, to stdout or --out. */
export async function queryCluster(options: ClusterEngineOptions, xml: string, query: { asOf?: string | number; tz?: string },
  format: string, exportOptions: { columns?: string; out?: string }, io: CliIo): Promise<void> {
  if (format !== 'count' && format !== 'ids' && format !== 'ndjson' && format !== 'csv' && format !== 'arrow') {
    throw badArgs(`--format ${format} is not offered with --clickhouse`, 'use --format count, ids, ndjson, csv or arrow');
  }
  const engine = await ClusterEngine.open(options);
  try {
    let chunks: AsyncIterable<Uint8Array>;
    if (format === 'count') chunks = once(`${await engine.count(xml, query)}\n`);
    else if (format === 'ids') chunks = idLines(await engine.query(xml, query));
    else chunks = engine.exportChunks(xml, { ...query, format, columns: exportOptions.columns });
    if (exportOptions.out !== undefined) await writeFileAtomically(exportOptions.out, chunks);
    else for await (const chunk of chunks) await write(io.stdout, chunk);
  } finally {
    await engine.close();
  }
}

async function* once(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

async function* idLines(segment: { ids(): AsyncIterable<string> }): AsyncGenerator<Uint8Array> {
  let chunk = '';
  for await (const id of segment.ids()) {
    chunk += `${id}\n`;
    if (chunk.length > 65536) {
      yield Buffer.from(chunk, 'utf8');
      chunk = '';
    }
  }
  if (chunk) yield Buffer.from(chunk, 'utf8');
}

/** `explain --clickhouse`: the SQL (and the count, which it runs once). */
export async function explainCluster(options: ClusterEngineOptions, xml: string, query: { asOf?: string | number; tz?: string }, json: boolean, io: CliIo): Promise<void> {
  const engine = await ClusterEngine.open(options);
  try {
    const result = await engine.explain(xml, query);
    if (json) await write(io.stdout, JSON.stringify(result, null, 2) + '\n');
    else {
      await write(io.stdout, `count=${result.count} time=${result.timeMs}ms asOf=${result.asOf} tz=${result.tz}\n`);
      await write(io.stdout, `${result.sql}\n`);
    }
  } finally {
    await engine.close();
  }
}

/** `save --clickhouse`: the segment kept in the cluster. */
export async function saveInCluster(options: ClusterEngineOptions, name: string, xml: string, live: boolean, io: CliIo): Promise<void> {
  if (live) throw badArgs('--live is not offered with --clickhouse: live segments need the in-process engine (--data DIR)');
  const engine = await ClusterEngine.open(options);
  try {
    await engine.save(name, xml);
    io.stderr.write(`saved segment ${JSON.stringify(name)} in the cluster\n`);
  } finally {
    await engine.close();
  }
}
