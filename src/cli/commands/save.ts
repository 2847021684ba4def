import { Engine } from '../../engine/engine.js';
import { EXIT_OK } from '../common/cli-error.js';
import type { CliIo } from '../common/io.js';
import { parseOptions, required } from '../common/parse-options.js';
import { readQueryText } from '../common/read-query-text.js';
import { CLUSTER_FLAGS, CLUSTER_HELP, clusterOption, saveInCluster } from '../common/cluster.js';

export const SAVE_HELP = `Usage: shandian save --data DIR --name NAME [--live] (--xml FILE | --expr XML | -)
   or: shandian save --clickhouse URLS [--cluster NAME] [--database DB] --name NAME (--xml FILE | --expr XML | -)

Saves a segment under NAME so that other queries can use it as
<ref segment="NAME"/>. The query is checked first (syntax, refs, cycles).
A ref is evaluated with the referring query's asOf and time zone.
Saving under an existing name replaces it. Any name works (even __proto__).
"shandian segments --data DIR" lists saved segments; --delete NAME removes one.

--live makes it a live segment: the engine keeps its membership current (at
now, in its own or the store's zone; an asOf attribute is refused) and
records every change, durably, in a feed read by "shandian changes": saving
records its members as entered, a save with a new definition the difference,
appends and the passing of time their changes (docs/live-segments.md).
Saving again without --live stops keeping it current.

${CLUSTER_HELP}
                     the segment is kept in the cluster: every client of it sees it
                     (live segments are not offered there)

Example:
  shandian save --data ./demo-data/store --name vip-xiamen \\
    --expr '<segment><tag name="vip"/><attr name="city" eq="Xiamen"/></segment>'
  shandian query --data ./demo-data/store --expr '<segment><ref segment="vip-xiamen"/></segment>'
`;

export async function saveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' }, name: { type: 'string' }, xml: { type: 'string' }, expr: { type: 'string' }, live: { type: 'boolean' }, ...CLUSTER_FLAGS,
  }, true);
  if (values.help) return void io.stdout.write(SAVE_HELP), EXIT_OK;
  const cluster = clusterOption(values);
  if (cluster) {
    const name = required(values, 'name');
    const xml = await readQueryText(values, positionals, io.stdin);
    await saveInCluster(cluster, name, xml, values.live === true, io);
    return EXIT_OK;
  }
  const dir = required(values, 'data');
  const name = required(values, 'name');
  const xml = await readQueryText(values, positionals, io.stdin);
  const engine = await Engine.open({ dir });
  try {
    await engine.save(name, xml, { live: values.live === true });
    io.stderr.write(`saved ${values.live ? 'live ' : ''}segment ${JSON.stringify(name)}\n`);
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}
