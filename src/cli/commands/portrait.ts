import { Engine } from '../../engine/engine.js';
import { parseDimensions } from '../../portrait/dimension.js';
import { renderCsv } from '../../portrait/render-csv.js';
import { renderTable } from '../../portrait/render-table.js';
import { badArgs, EXIT_OK } from '../common/cli-error.js';
import { write, type CliIo } from '../common/io.js';
import { asOfOption, integerOption, parseOptions, required } from '../common/parse-options.js';
import { readQueryText } from '../common/read-query-text.js';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterOption } from '../common/cluster.js';

export const PORTRAIT_HELP = `Usage: shandian portrait --data DIR (--xml FILE | --expr XML | -) --by DIM [--by DIM ...]
                         [--as-of TIME] [--tz ZONE] [--format table|json|csv] [--top N]
   or: shandian portrait --clickhouse URLS [--cluster NAME] [--database DB] (--xml FILE | --expr XML | -) --by DIM ...

Who is in a segment: for its members, per dimension, one bucket per value at
least one member has, with the exact number of members in it.

  --by DIM        a dimension (repeat --by for several):
                    attr:NAME          a bucket per distinct value of the attribute (the number 31
                                       and the string "31" are different buckets), plus (none)
                                       for members without it
                    attr:NAME:b1,b2,.. numeric ranges < b1, [b1, b2), ..., >= bm (strictly increasing
                                       numbers), plus (none) for members without a numeric value
                    tag                a bucket per tag a member holds (a member counts in each of
                                       its tags), plus (none) for members with no tag
                    shop, category, sku   members with a counting (not refunded) order line of the
                                       value up to asOf, with the number of distinct such orders
                                       and the sum of those lines' amounts
                    shop:last=30d, category:last=12w, sku:last=48h
                                       the same over the N hours, days or weeks up to asOf
  --format        table (default): a bar chart per dimension (value, customers, share, bar);
                  json: the whole portrait, every bucket (the shape: docs/portraits.md);
                  csv: one row per bucket (dimension,value,value_type,customers,orders,amount,segment_count)
  --top N         buckets per dimension to show, biggest first (table default 20, json and csv
                  default all; 0: all); (none) is always shown
  --as-of TIME    a date-time with offset or epoch milliseconds: the segment's and the windows' asOf
  --tz ZONE       the zone for the query's date-only bounds (an IANA name)
${CLUSTER_HELP}

Buckets are ordered by customers, most first, then by value (numbers before strings);
range buckets in range order; (none) last.

Examples:
  shandian portrait --data ./store --expr '<segment><bought category="shoes" last="90d"/></segment>' \\
    --by attr:city --by attr:age:18,25,35,45 --by tag
  shandian portrait --data ./store --xml fixtures/queries/cross-sell.xml --by category:last=30d --format json

Exit codes: 0 ok; 2 a bad query, a bad --by (unknown form: E_BAD_ARGS, bounds not strictly
increasing numbers: E_BAD_NUMBER, a bad last=: E_BAD_DURATION) or other bad arguments; 1 other failure.
`;

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

export async function portraitCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' }, xml: { type: 'string' }, expr: { type: 'string' },
    by: { type: 'string', multiple: true }, 'as-of': { type: 'string' }, tz: { type: 'string' },
    format: { type: 'string' }, top: { type: 'string' }, ...CLUSTER_FLAGS,
  }, true);
  if (values.help) return void io.stdout.write(PORTRAIT_HELP), EXIT_OK;
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw badArgs(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`);
  const by = (values.by ?? []) as string[];
  if (by.length === 0) throw badArgs('give at least one --by DIM', 'e.g. --by attr:city --by tag --by category:last=30d (see shandian portrait --help)');
  parseDimensions(by); // refused before the store is opened or the query read
  const top = integerOption(values, 'top', 0) ?? (format === 'table' ? 20 : 0);
  const cluster = clusterOption(values);
  const dir = cluster ? undefined : required(values, 'data');
  const xml = await readQueryText(values, positionals, io.stdin);
  const engine = cluster ? await Engine.open(cluster) : await Engine.open({ dir, readOnly: true });
  try {
    let result = await engine.portrait(xml, { by, asOf: asOfOption(values), tz: values.tz });
    if (top > 0 && format !== 'table') {
      result = { ...result, dimensions: result.dimensions.map((d) => ({ ...d, buckets: [...d.buckets.filter((b) => !b.none).slice(0, top), ...d.buckets.filter((b) => b.none)] })) };
    }
    if (format === 'json') await write(io.stdout, JSON.stringify(result, null, 2) + '\n');
    else if (format === 'csv') await write(io.stdout, renderCsv(result));
    else await write(io.stdout, renderTable(result, { top }));
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}
