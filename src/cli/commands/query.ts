import { Engine } from '../../engine/engine.js';
import type { Segment } from '../../engine/segment.js';
import { parseColumns } from '../../export/export-columns.js';
import { writeFileAtomically } from '../../export/write-export.js';
import { checkOutputFile } from '../../log/store-path.js';
import { TUNING } from '../../model/defaults.js';
import { badArgs, EXIT_OK } from '../common/cli-error.js';
import { write, type CliIo } from '../common/io.js';
import { asOfOption, parseOptions, required } from '../common/parse-options.js';
import { ProgressBar } from '../common/progress-bar.js';
import { readQueryText } from '../common/read-query-text.js';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterOption, queryCluster } from '../common/cluster.js';

export const QUERY_HELP = `Usage: shandian query --data DIR (--xml FILE | --expr XML | -) [options]
   or: shandian query --clickhouse URLS [--cluster NAME] [--database DB] (--xml FILE | --expr XML | -) [options]

Runs one segment query and prints the matching customers, or exports them
with their attributes and tags for a campaign tool.

Options:
  --data DIR       the store directory (required, unless --clickhouse)
${CLUSTER_HELP}
                     (on a cluster every --format works, arrow too)
  --xml FILE       read the query from FILE
  --expr XML       the query inline
  -                read the query from standard input
  --as-of TIME     evaluate as of TIME: a date-time with offset (2026-11-12T00:00:00+08:00)
                   or epoch milliseconds (1794412800000, the same instant); a <segment asOf="...">
                   attribute wins; default: now
  --tz ZONE        IANA zone for date-only bounds (default: the query's tz, the store's, UTC)
  --format F       count (default): the number alone on one line
                   ids: one customer_id per line
                   ndjson: one {"customer_id": ...} object per line, plus the --columns
                   csv: RFC 4180 (CRLF line ends, quoted fields where needed) with a header row
                        customer_id,<columns>
                   arrow: an Arrow IPC stream (record batches of up to ${TUNING.EXPORT_BATCH_ROWS.toLocaleString('en-US')} members) for
                        pyarrow, DuckDB, apache-arrow's RecordBatchReader; needs --out or a pipe
  --columns LIST   comma-separated columns after customer_id (ndjson, csv and arrow), named as written:
                   attr:NAME  the customer's current value of attribute NAME; absent: empty in csv,
                              null in ndjson and arrow. Numbers stay numbers in ndjson; in arrow an
                              attribute whose held values are all numbers is Float64, otherwise Utf8
                   tag:NAME   whether the customer holds tag NAME now: true or false
  --out FILE       write to FILE instead of standard output: written under a temporary name
                   beside it and renamed when complete, so a failure leaves no half file

Progress is drawn on stderr when it is a terminal and the result has ${TUNING.EXPORT_PROGRESS_MEMBERS.toLocaleString('en-US')} members or more.

Examples (the store npm run demo builds):
  shandian query --data ./demo-data/store --expr '<segment><tag name="vip"/></segment>'
  shandian query --data ./demo-data/store --xml fixtures/queries/cross-sell.xml --format ids
  echo '<segment><bought sku="A" last="30d"/></segment>' | shandian query --data ./demo-data/store -
  shandian query --data ./demo-data/store --xml fixtures/queries/cross-sell.xml --format csv --columns attr:city,attr:level,tag:vip --out campaign.csv
  shandian query --data ./demo-data/store --expr '<segment><tag name="vip"/></segment>' --format ndjson --columns attr:city | head -3
  shandian query --data ./demo-data/store --expr '<segment><tag name="vip"/></segment>' --format arrow --columns attr:level,tag:vip --out vip.arrow

Exit codes: 0 ok (also when the reader of the output stops early: | head), 2 bad query or
arguments (a bad --columns, --out in a missing directory), 1 other failure.
`;

const FORMATS = ['count', 'ids', 'ndjson', 'csv', 'arrow'] as const;
type Format = (typeof FORMATS)[number];

export async function queryCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' }, xml: { type: 'string' }, expr: { type: 'string' },
    'as-of': { type: 'string' }, tz: { type: 'string' }, format: { type: 'string' },
    columns: { type: 'string' }, out: { type: 'string' }, ...CLUSTER_FLAGS,
  }, true);
  if (values.help) return void io.stdout.write(QUERY_HELP), EXIT_OK;
  const cluster = clusterOption(values);
  const format = (values.format ?? 'count') as Format;
  if (!FORMATS.includes(format)) throw badArgs(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`);
  const columns = values.columns;
  if (columns !== undefined) {
    if (format === 'count' || format === 'ids') throw badArgs(`--columns adds columns to --format ndjson, csv or arrow, not ${format}`);
    parseColumns(columns); // a bad list fails before the store is opened
  }
  const out = values.out;
  if (out !== undefined) checkOutputFile(out, '--out');
  else if (format === 'arrow' && io.stdout.isTTY) throw badArgs('--format arrow writes binary: give --out FILE or pipe standard output to a program');
  if (cluster) {
    const xml = await readQueryText(values, positionals, io.stdin);
    await queryCluster(cluster, xml, { asOf: asOfOption(values), tz: values.tz }, format, { columns, out }, io);
    return EXIT_OK;
  }
  const dir = required(values, 'data');
  const xml = await readQueryText(values, positionals, io.stdin);
  const engine = await Engine.open({ dir, readOnly: true });
  try {
    const segment = await engine.query(xml, { asOf: asOfOption(values), tz: values.tz });
    const bar = io.stderr.isTTY && format !== 'count' && segment.count >= TUNING.EXPORT_PROGRESS_MEMBERS ? new ProgressBar(io.stderr, 'export') : undefined;
    const progress = bar ? (done: number) => bar.update(done, segment.count, 'members') : undefined;
    const chunks = output(segment, format, columns, progress);
    if (out !== undefined) await writeFileAtomically(out, chunks);
    else for await (const chunk of chunks) await write(io.stdout, chunk);
    bar?.done();
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}

/** The bytes of the answer in `format`. */
function output(segment: Segment, format: Format, columns: string | undefined, onProgress?: (done: number) => void): AsyncIterable<Uint8Array> {
  if (format === 'count') return single(`${segment.count}\n`);
  if (format === 'ids') return idLines(segment, onProgress);
  return segment.exportChunks({ format, columns, onProgress });
}

async function* single(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

async function* idLines(segment: Segment, onProgress?: (done: number) => void): AsyncGenerator<Uint8Array> {
  let chunk = '';
  let done = 0;
  for (const id of segment.idsSync()) {
    chunk += `${id}\n`;
    done++;
    if (chunk.length > 65536) {
      yield Buffer.from(chunk, 'utf8');
      chunk = '';
      onProgress?.(done);
    }
  }
  if (chunk) yield Buffer.from(chunk, 'utf8');
}
