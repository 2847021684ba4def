import { generate, formatForPath, writeRecords, type GenRecord } from '../../gen/index.js';
import os from 'node:os';
import { buildGeneratedStore } from '../../engine/build-generated-store.js';
import { badArgs, EXIT_OK } from '../common/cli-error.js';
import type { CliIo } from '../common/io.js';
import { integerOption, parseOptions, required } from '../common/parse-options.js';
import { ProgressBar } from '../common/progress-bar.js';
import { checkOutputFile, prepareDirectory } from '../../log/store-path.js';

export const GEN_HELP = `Usage: shandian gen (--out FILE | --data DIR) --orders N [--customers M] [--seed S] [--start DAY] [--end DAY]

Writes a realistic synthetic dataset, deterministic from the seed: Zipf-like
SKU popularity, a category per SKU, shops of very different sizes (marketplaces
and offline stores), power-law customer activity, 618 and Double-11 peaks,
multi-line orders, about 3% refunds, customer attributes (city, level, age,
gender, signup_date) and tags (vip, newsletter, churn-risk, wholesale).

The format follows the extension:
  .ndjson / .jsonl   every record type (customers, orders, refunds, tags)
  .csv / .arrow      order lines only (orders refunded later are written as refunded)

With --data DIR it builds a new store directly instead (no file, no log:
column batches straight into a snapshot, for benchmarks at scale); the store
holds exactly what ingesting the NDJSON of the same options would.

Options:
  --out FILE       output file
  --data DIR       build a new store in DIR (empty or new)
  --shards N       shard count of the new store (default: the number of cores)
  --orders N       number of orders (required); about 1.4 lines per order
  --customers M    number of customers (default: orders / 8)
  --seed S         any integer (default 1); same seed, same bytes
  --start DAY      first day, YYYY-MM-DD (default 2025-12-01, Asia/Shanghai)
  --end DAY        last day, inclusive (default 2026-11-30)

Examples:
  shandian gen --out orders.ndjson --orders 1000000 --seed 7
  shandian gen --data ./big --orders 7000000      # about 10M order lines, straight into a store
`;

export async function genCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    out: { type: 'string' }, data: { type: 'string' }, shards: { type: 'string' }, orders: { type: 'string' },
    customers: { type: 'string' }, seed: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' },
  }, false);
  if (values.help) return void io.stdout.write(GEN_HELP), EXIT_OK;
  if (positionals.length) throw badArgs(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if ((values.out === undefined) === (values.data === undefined)) throw badArgs('give exactly one of --out FILE or --data DIR');
  const orders = integerOption(values, 'orders', 0);
  if (orders === undefined) throw badArgs('--orders is required');
  const customers = integerOption(values, 'customers', 1);
  const seed = integerOption(values, 'seed', Number.MIN_SAFE_INTEGER) ?? 1;
  if (values.data !== undefined) {
    const shards = integerOption(values, 'shards', 1) ?? os.availableParallelism();
    prepareDirectory(values.data, '--data');
    const bar = new ProgressBar(io.stderr, 'build');
    let report;
    try {
      report = buildGeneratedStore(values.data, { orders, customers, seed, start: values.start, end: values.end, shards },
        (_lines, done, total) => bar.update(done, total, 'orders'));
    } catch (e) {
      if (e instanceof RangeError) throw badArgs(e.message);
      throw e;
    }
    bar.done();
    const secs = report.elapsedMs / 1000;
    io.stderr.write(`built ${values.data}: ${report.lines.toLocaleString('en-US')} order lines, ${report.orders.toLocaleString('en-US')} orders, ` +
      `${report.customers.toLocaleString('en-US')} customers in ${secs.toFixed(1)}s (${Math.round(report.lines / secs).toLocaleString('en-US')} lines/s); ` +
      `snapshot ${(report.snapshotBytes / 1048576).toFixed(0)} MiB (${(report.snapshotBytes / Math.max(1, report.lines)).toFixed(1)} B/line)\n`);
    return EXIT_OK;
  }
  const out = required(values, 'out');
  if (!formatForPath(out)) throw badArgs(`--out ${out}: the extension must be .ndjson, .jsonl, .csv or .arrow`);
  checkOutputFile(out, '--out');
  let records;
  try {
    records = generate({ orders, customers, seed, start: values.start, end: values.end });
  } catch (e) {
    throw badArgs((e as Error).message);
  }
  const bar = new ProgressBar(io.stderr, 'gen');
  const expected = orders * 1.03 + (customers ?? Math.max(1, Math.round(orders / 8))) * 1.35;
  const started = performance.now();
  const counts = { orders: 0, lines: 0, refunds: 0, customers: 0, tags: 0 };
  const result = await writeRecords(out, counted(records, counts), (p) => bar.update(p.records, expected, 'records'));
  bar.done();
  const secs = (performance.now() - started) / 1000;
  io.stderr.write(`wrote ${out} (${(result.bytes / 1048576).toFixed(1)} MiB in ${secs.toFixed(1)}s): ${genSummary(formatForPath(out)!, counts, result.records)}\n`);
  return EXIT_OK;
}

interface GenCounts { orders: number; lines: number; refunds: number; customers: number; tags: number }

/** The generator's records as they are, counted by kind on the way to the writer. */
function* counted(records: Iterable<GenRecord>, counts: GenCounts): Generator<GenRecord, void, undefined> {
  for (const r of records) {
    switch (r.type) {
      case 'order':
        counts.orders++;
        counts.lines += r.lines.length;
        break;
      case 'refund':
        counts.refunds++;
        break;
      case 'customer':
        counts.customers++;
        break;
      default:
        counts.tags++;
    }
    yield r;
  }
}

/**
 * What the file holds, in its own units: NDJSON has a record per customer,
 * order, refund and tag (an order record has several lines); CSV and Arrow
 * have one row per order line and nothing else.
 */
export function genSummary(format: 'ndjson' | 'csv' | 'arrow', c: GenCounts, records: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  if (format === 'ndjson') {
    return `${n(records)} records: ${n(c.orders)} orders (${n(c.lines)} order lines), ${n(c.refunds)} refunds, ` +
      `${n(c.customers)} customers, ${n(c.tags)} tag records`;
  }
  return `${n(c.lines)} rows, one per order line, of ${n(c.orders)} orders ` +
    `(${format === 'csv' ? 'CSV' : 'Arrow'} holds order lines only: refunded orders as refunded, no customer or tag records)`;
}
