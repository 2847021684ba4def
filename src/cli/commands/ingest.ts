import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../engine/engine.js';
import { readMeta } from '../../log/store-files.js';
import { ShandianError } from '../../model/errors.js';
import { checkTz } from '../../model/query-instant.js';
import { badArgs, EXIT_OK } from '../common/cli-error.js';
import type { CliIo } from '../common/io.js';
import { integerOption, parseOptions, required } from '../common/parse-options.js';
import { ingestFilesWithProgress } from '../common/ingest-files.js';
import { prepareDirectory, removeCreated } from '../../log/store-path.js';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterOption, ingestIntoCluster } from '../common/cluster.js';

export const INGEST_HELP = `Usage: shandian ingest --data DIR [--tz ZONE] [--shards N] [--skip-bad] [--no-fsync] FILE...
   or: shandian ingest --clickhouse URLS [--cluster NAME] [--database DB] [--tz ZONE] [--skip-bad] FILE...

Loads records into the store at DIR (created if needed), file by file, in file
order. Formats by extension:
  .ndjson / .jsonl  {"type":"order"|"refund"|"customer"|"tag", ...} per line
  .csv              order lines: order_id,customer_id,ts,shop,status,sku,category,quantity,amount
  .arrow            Arrow IPC (file or stream) with the CSV columns
  -                 standard input, read as NDJSON (streamed)

A new store whose first file fails before any record is applied is not kept.

A bad record stops the file with E_BAD_RECORD, its file:line and the reason;
the records before it stay applied and durable. Exit code 2.

Options:
  --data DIR     the store directory (required)
  --tz ZONE      the store's zone for date-only query bounds (recorded when the
                 store is created; an existing store refuses another zone), and
                 the zone for timestamps written without an offset (without
                 --tz such a timestamp is a bad record)
  --shards N     shard count of a NEW store (default: the number of cores)
  --skip-bad     report bad records on stderr and go on
  --no-fsync     do not fsync each batch: for bulk loads you can redo
                 (an acknowledged batch may be lost in a machine crash)
${CLUSTER_HELP}
                     ingest creates the database and tables on every node when missing;
                     a batch resolves once every shard acknowledged it (docs/cluster.md)

Example:
  shandian gen --out orders.ndjson --orders 100000
  shandian ingest --data ./store --tz Asia/Shanghai orders.ndjson
  zcat orders.ndjson.gz | shandian ingest --data ./store -
`;

/** How a standard-input source is named in messages (`--data`'s FILE `-`). */

export async function ingestCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' }, tz: { type: 'string' }, shards: { type: 'string' },
    'skip-bad': { type: 'boolean' }, 'no-fsync': { type: 'boolean' }, ...CLUSTER_FLAGS,
  }, true);
  if (values.help) return void io.stdout.write(INGEST_HELP), EXIT_OK;
  const cluster = clusterOption(values);
  if (cluster) {
    if (positionals.length === 0) throw badArgs('give at least one FILE to ingest', 'or - to read NDJSON from standard input');
    if (positionals.filter((p) => p === '-').length > 1) throw badArgs('- (standard input) can be given once', 'standard input can be read only once');
    if (values.shards !== undefined || values['no-fsync']) throw badArgs('--shards and --no-fsync are for a --data store; a cluster\'s shards are its remote_servers');
    await ingestIntoCluster(cluster, positionals, { tz: values.tz, skipBad: values['skip-bad'] === true }, io);
    return EXIT_OK;
  }
  const dir = required(values, 'data');
  if (positionals.length === 0) throw badArgs('give at least one FILE to ingest', 'or - to read NDJSON from standard input');
  if (positionals.filter((p) => p === '-').length > 1) throw badArgs('- (standard input) can be given once', 'standard input can be read only once');
  const shards = integerOption(values, 'shards', 1, 256);
  const tz = checkTz(values.tz);
  const created = prepareDirectory(dir, '--data');
  let meta;
  try {
    meta = readMeta(dir);
    if (meta && tz !== undefined && canonicalZone(tz) !== canonicalZone(meta.tz ?? 'UTC')) {
      throw new ShandianError('E_BAD_ARGS', `the store at ${dir} was created with time zone ${meta.tz ?? 'UTC'}${meta.tz ? '' : ' (the default)'}, not ${tz}`,
        {}, `leave --tz out, or give --tz ${meta.tz ?? 'UTC'}, when ingesting into an existing store: its zone is fixed when it is created`);
    }
  } catch (e) {
    removeCreated(created);
    throw e;
  }
  // a new store that gets no record (the first file fails at once) is removed again, leaving the path as it was
  const before = meta ? undefined : new Set(fs.readdirSync(dir));
  let engine: Engine;
  try {
    engine = await Engine.open({ dir, tz, shards, durability: values['no-fsync'] ? 'none' : 'fsync' });
  } catch (e) {
    removeCreated(created);
    throw e;
  }
  let failed = false;
  try {
    if (engine.recovery?.tornTail) {
      const t = engine.recovery.tornTail;
      io.stderr.write(`recovered: dropped a torn tail of ${t.bytes} bytes at ${t.file}:${t.offset} (an append that never completed)\n`);
    }
    await ingestFilesWithProgress(engine, positionals, { skipBad: values['skip-bad'] === true, tz }, io);
    const size = engine.size;
    io.stderr.write(`store ${dir}: ${size.customers.toLocaleString('en-US')} customers, ${size.orders.toLocaleString('en-US')} orders, ${size.lines.toLocaleString('en-US')} lines, ${size.shards} shards\n`);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    const size = engine.size;
    const empty = size.customers === 0 && size.orders === 0 && size.lines === 0;
    await engine.close();
    if (failed && before && empty) removeNewStore(dir, before, created);
  }
  return EXIT_OK; // with --skip-bad, skipping is what was asked for; the skips are on stderr
}

/** The zone's canonical IANA name (aliases such as Asia/Calcutta and Asia/Kolkata compare equal). */
function canonicalZone(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return tz;
  }
}

/** Removes the files a store creation added to `dir` (those not in `before`) and the directories made for it. */
function removeNewStore(dir: string, before: ReadonlySet<string>, created: readonly string[]): void {
  try {
    for (const name of fs.readdirSync(dir)) {
      if (!before.has(name)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
    removeCreated(created);
  } catch {
    // best effort: the failure being reported matters more than a leftover empty store
  }
}
