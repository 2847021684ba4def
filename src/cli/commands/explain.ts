import { Engine } from '../../engine/engine.js';
import { renderExplain } from '../../engine/explain-node.js';
import { EXIT_OK } from '../common/cli-error.js';
import { write, type CliIo } from '../common/io.js';
import { asOfOption, parseOptions, required } from '../common/parse-options.js';
import { readQueryText } from '../common/read-query-text.js';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterOption, explainCluster } from '../common/cluster.js';

export const EXPLAIN_HELP = `Usage: shandian explain --data DIR (--xml FILE | --expr XML | -) [--as-of TIME] [--tz ZONE] [--json]
   or: shandian explain --clickhouse URLS [--cluster NAME] [--database DB] (--xml FILE | --expr XML | -) [...]

Runs the query and prints its plan: one line per plan node with the planner's
estimate (customers), the actual customers it produced and the time spent,
summed over shards, and the query line:column it came from.

  --as-of TIME  a date-time with offset or epoch milliseconds (see query --help)
  --json        print the plan as JSON instead of a text tree
${CLUSTER_HELP}
                     on a cluster explain prints the count and the SQL that answers the segment

Example (the store npm run demo builds):
  shandian explain --data ./demo-data/store --xml fixtures/queries/cross-sell.xml
`;

export async function explainCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' }, xml: { type: 'string' }, expr: { type: 'string' },
    'as-of': { type: 'string' }, tz: { type: 'string' }, json: { type: 'boolean' }, ...CLUSTER_FLAGS,
  }, true);
  if (values.help) return void io.stdout.write(EXPLAIN_HELP), EXIT_OK;
  const cluster = clusterOption(values);
  if (cluster) {
    const xml = await readQueryText(values, positionals, io.stdin);
    await explainCluster(cluster, xml, { asOf: asOfOption(values), tz: values.tz }, values.json === true, io);
    return EXIT_OK;
  }
  const dir = required(values, 'data');
  const xml = await readQueryText(values, positionals, io.stdin);
  const engine = await Engine.open({ dir, readOnly: true });
  try {
    const result = await engine.explain(xml, { asOf: asOfOption(values), tz: values.tz });
    if (values.json) await write(io.stdout, JSON.stringify(result, null, 2) + '\n');
    else {
      await write(io.stdout, `count=${result.count} time=${result.timeMs}ms asOf=${result.asOf} tz=${result.tz}\n`);
      await write(io.stdout, renderExplain(result.plan) + '\n');
    }
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}
