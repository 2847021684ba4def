import { generate, formatForPath, writeRecords } from '../../gen/index.js';
import os from 'node:os';
import { buildGeneratedStore } from '../../engine/build-generated-store.js';
import { badArgs, EXIT_OK } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { integerOption, parseOptions, required } from '../parse-options.js';
import { ProgressBar } from '../progress-bar.js';

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
  let records;
  try {
    records = generate({ orders, customers, seed, start: values.start, end: values.end });
  } catch (e) {
    throw badArgs((e as Error).message);
  }
  const bar = new ProgressBar(io.stderr, 'gen');
  const expected = orders * 1.03 + (customers ?? Math.max(1, Math.round(orders / 8))) * 1.35;
  const started = performance.now();
  const result = await writeRecords(out, records, (p) => bar.update(p.records, expected, 'records'));
  bar.done();
  const secs = (performance.now() - started) / 1000;
  io.stderr.write(`wrote ${result.records.toLocaleString('en-US')} records (${(result.bytes / 1048576).toFixed(1)} MiB) to ${out} in ${secs.toFixed(1)}s\n`);
  return EXIT_OK;
}
