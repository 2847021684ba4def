import { Engine } from '../../engine/engine.js';
import { ingestFile } from '../../engine/ingest-file.js';
import { ShandianError } from '../../model/errors.js';
import { badArgs, EXIT_OK } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { integerOption, parseOptions, required } from '../parse-options.js';
import { ProgressBar } from '../progress-bar.js';

export const INGEST_HELP = `Usage: shandian ingest --data DIR [--tz ZONE] [--shards N] [--skip-bad] [--no-fsync] FILE...

Loads records into the store at DIR (created if needed), file by file, in file
order. Formats by extension:
  .ndjson / .jsonl  {"type":"order"|"refund"|"customer"|"tag", ...} per line
  .csv              order lines: order_id,customer_id,ts,shop,status,sku,category,quantity,amount
  .arrow            Arrow IPC (file or stream) with the CSV columns

A bad record stops the file with E_BAD_RECORD, its file:line and the reason;
the records before it stay applied and durable. Exit code 2.

Options:
  --data DIR     the store directory (required)
  --tz ZONE      the store's zone for date-only query bounds (recorded when the
                 store is created), and the zone for timestamps written without
                 an offset (without --tz such a timestamp is a bad record)
  --shards N     shard count of a NEW store (default: the number of cores)
  --skip-bad     report bad records on stderr and go on
  --no-fsync     do not fsync each batch: for bulk loads you can redo
                 (an acknowledged batch may be lost in a machine crash)

Example:
  shandian gen --out orders.ndjson --orders 100000
  shandian ingest --data ./store --tz Asia/Shanghai orders.ndjson
`;

export async function ingestCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' }, tz: { type: 'string' }, shards: { type: 'string' },
    'skip-bad': { type: 'boolean' }, 'no-fsync': { type: 'boolean' },
  }, true);
  if (values.help) return void io.stdout.write(INGEST_HELP), EXIT_OK;
  const dir = required(values, 'data');
  if (positionals.length === 0) throw badArgs('give at least one FILE to ingest');
  const shards = integerOption(values, 'shards', 1, 256);
  const engine = await Engine.open({ dir, tz: values.tz, shards, durability: values['no-fsync'] ? 'none' : 'fsync' });
  try {
    if (engine.recovery?.tornTail) {
      const t = engine.recovery.tornTail;
      io.stderr.write(`recovered: dropped a torn tail of ${t.bytes} bytes at ${t.file}:${t.offset} (an append that never completed)\n`);
    }
    for (const file of positionals) {
      const bar = new ProgressBar(io.stderr, file.length > 24 ? '…' + file.slice(-23) : file);
      const report = await ingestFile(engine, file, {
        skipBad: values['skip-bad'] === true,
        tz: values.tz,
        onProgress: (p) => bar.update(p.bytesRead, p.totalBytes, 'bytes', `${p.records.toLocaleString('en-US')} records`),
        onSkip: (e: ShandianError) => io.stderr.write(`skipped: ${e.message}\n`),
      });
      bar.done();
      const secs = report.elapsedMs / 1000;
      io.stderr.write(`${file}: ${report.records.toLocaleString('en-US')} records in ${secs.toFixed(2)}s ` +
        `(${Math.round(report.records / Math.max(secs, 1e-9)).toLocaleString('en-US')}/s)${report.skipped ? `, ${report.skipped} skipped` : ''}\n`);
    }
    const size = engine.size;
    io.stderr.write(`store ${dir}: ${size.customers.toLocaleString('en-US')} customers, ${size.orders.toLocaleString('en-US')} orders, ${size.lines.toLocaleString('en-US')} lines, ${size.shards} shards\n`);
  } finally {
    await engine.close();
  }
  return EXIT_OK; // with --skip-bad, skipping is what was asked for; the skips are on stderr
}
