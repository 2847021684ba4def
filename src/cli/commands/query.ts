import { Engine } from '../../engine/engine.js';
import { badArgs, EXIT_OK } from '../common/cli-error.js';
import { write, type CliIo } from '../common/io.js';
import { asOfOption, parseOptions, required } from '../common/parse-options.js';
import { readQueryText } from '../common/read-query-text.js';

export const QUERY_HELP = `Usage: shandian query --data DIR (--xml FILE | --expr XML | -) [options]

Runs one segment query and prints the matching customers.

Options:
  --data DIR       the store directory (required)
  --xml FILE       read the query from FILE
  --expr XML       the query inline
  -                read the query from standard input
  --as-of TIME     evaluate as of TIME: a date-time with offset (2026-11-12T00:00:00+08:00)
                   or epoch milliseconds (1794412800000, the same instant); a <segment asOf="...">
                   attribute wins; default: now
  --tz ZONE        IANA zone for date-only bounds (default: the query's tz, the store's, UTC)
  --format F       count (default): the number alone on one line
                   ids: one customer_id per line
                   ndjson: one {"customer_id": ...} object per line

Examples (the store npm run demo builds):
  shandian query --data ./demo-data/store --expr '<segment><tag name="vip"/></segment>'
  shandian query --data ./demo-data/store --xml fixtures/queries/cross-sell.xml --format ids
  echo '<segment><bought sku="A" last="30d"/></segment>' | shandian query --data ./demo-data/store -

Exit codes: 0 ok, 2 bad query or arguments, 1 other failure.
`;

const FORMATS = ['count', 'ids', 'ndjson'] as const;

export async function queryCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' }, xml: { type: 'string' }, expr: { type: 'string' },
    'as-of': { type: 'string' }, tz: { type: 'string' }, format: { type: 'string' },
  }, true);
  if (values.help) return void io.stdout.write(QUERY_HELP), EXIT_OK;
  const dir = required(values, 'data');
  const format = (values.format ?? 'count') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw badArgs(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`);
  const xml = await readQueryText(values, positionals, io.stdin);
  const engine = await Engine.open({ dir, readOnly: true });
  try {
    const segment = await engine.query(xml, { asOf: asOfOption(values), tz: values.tz });
    if (format === 'count') {
      await write(io.stdout, `${segment.count}\n`);
    } else {
      let chunk = '';
      for (const id of segment.idsSync()) {
        chunk += format === 'ids' ? `${id}\n` : `${JSON.stringify({ customer_id: id })}\n`;
        if (chunk.length > 65536) {
          await write(io.stdout, chunk);
          chunk = '';
        }
      }
      if (chunk) await write(io.stdout, chunk);
    }
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}
