import { Engine } from '../../engine/engine.js';
import { EXIT_OK } from '../common/cli-error.js';
import type { CliIo } from '../common/io.js';
import { parseOptions, required } from '../common/parse-options.js';
import { readQueryText } from '../common/read-query-text.js';

export const SAVE_HELP = `Usage: shandian save --data DIR --name NAME (--xml FILE | --expr XML | -)

Saves a segment under NAME so that other queries can use it as
<ref segment="NAME"/>. The query is checked first (syntax, refs, cycles).
A ref is evaluated with the referring query's asOf and time zone.
Saving under an existing name replaces it. Any name works (even __proto__).
"shandian segments --data DIR" lists saved segments; --delete NAME removes one.

Example:
  shandian save --data ./demo-data/store --name vip-xiamen \\
    --expr '<segment><tag name="vip"/><attr name="city" eq="Xiamen"/></segment>'
  shandian query --data ./demo-data/store --expr '<segment><ref segment="vip-xiamen"/></segment>'
`;

export async function saveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    data: { type: 'string' }, name: { type: 'string' }, xml: { type: 'string' }, expr: { type: 'string' },
  }, true);
  if (values.help) return void io.stdout.write(SAVE_HELP), EXIT_OK;
  const dir = required(values, 'data');
  const name = required(values, 'name');
  const xml = await readQueryText(values, positionals, io.stdin);
  const engine = await Engine.open({ dir });
  try {
    await engine.save(name, xml);
    io.stderr.write(`saved segment ${JSON.stringify(name)}\n`);
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}
