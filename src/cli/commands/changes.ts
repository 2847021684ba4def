import { Engine } from '../../engine/engine.js';
import { readMeta } from '../../log/store-files.js';
import { badArgs, EXIT_OK } from '../common/cli-error.js';
import { write, type CliIo } from '../common/io.js';
import { integerOption, parseOptions, required } from '../common/parse-options.js';

export const CHANGES_HELP = `Usage: shandian changes --data DIR --name NAME [--after SEQ] [--follow]

Prints the change feed of the live segment NAME (saved with "shandian save
--live") as NDJSON, one change a line, in seq order:
  {"seq":12,"segment":"NAME","customer_id":"c1","change":"entered","at":"2026-...Z","cause":"data"}
change is "entered" or "exited"; cause is "data" (an append), "time" (a
window slid) or "saved" (the segment was saved). seq grows strictly through
the store's whole feed: a consumer keeps the last seq it processed and
resumes with --after SEQ. --follow keeps waiting for new changes (until
interrupted). The store is opened read-only, so this works while another
process appends.

Examples:
  shandian save --data ./store --name vips --live --expr '<segment><tag name="vip"/></segment>'
  shandian changes --data ./store --name vips
  shandian changes --data ./store --name vips --after 1200 --follow
`;

export async function changesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, {
    data: { type: 'string' }, name: { type: 'string' }, after: { type: 'string' }, follow: { type: 'boolean' },
  }, false);
  if (values.help) return void io.stdout.write(CHANGES_HELP), EXIT_OK;
  const dir = required(values, 'data');
  const name = required(values, 'name');
  const after = integerOption(values, 'after', 0) ?? 0;
  if (!readMeta(dir)) throw badArgs(`no shandian store at ${dir}`, 'pass the directory given to ingest --data');
  const engine = await Engine.open({ dir, readOnly: true, threads: 0 });
  try {
    let lines: string[] = [];
    for await (const c of engine.changes(name, { after, follow: values.follow === true })) {
      lines.push(JSON.stringify(c));
      if (lines.length >= 1024) {
        await write(io.stdout, `${lines.join('\n')}\n`);
        lines = [];
      }
      if (values.follow && lines.length > 0) {
        await write(io.stdout, `${lines.join('\n')}\n`); // a follower sees each change at once
        lines = [];
      }
    }
    if (lines.length > 0) await write(io.stdout, `${lines.join('\n')}\n`);
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}
