import { Engine } from '../../engine/engine.js';
import { readMeta } from '../../log/store-files.js';
import { badArgs, EXIT_OK } from '../common/cli-error.js';
import type { CliIo } from '../common/io.js';
import { parseOptions, required } from '../common/parse-options.js';

export const SEGMENTS_HELP = `Usage: shandian segments --data DIR [--json]
       shandian segments --data DIR --delete NAME

Lists the segments saved with "shandian save", one a line: the name, a tab,
then its XML (--json: an array of {"name", "xml"} objects). Listing opens the
store read-only, so it works while another process ingests.

--delete NAME removes a saved segment for good (durably, like save). It is
refused (E_CONFLICT, exit 2) while another saved segment refers to it with
<ref segment="NAME"/>: the error names those segments; delete them first, or
save them again without the ref. An unknown NAME is E_UNKNOWN_SEGMENT (exit 2).

Examples:
  shandian segments --data ./store
  shandian segments --data ./store --json
  shandian save --data ./store --name vips --expr '<segment><tag name="vip"/></segment>'
  shandian segments --data ./store --delete vips
`;

export async function segmentsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { data: { type: 'string' }, delete: { type: 'string' }, json: { type: 'boolean' } }, false);
  if (values.help) return void io.stdout.write(SEGMENTS_HELP), EXIT_OK;
  const dir = required(values, 'data');
  if (values.delete !== undefined) {
    const name = String(values.delete);
    // a writer's open would create an empty store where there is none
    if (!readMeta(dir)) throw badArgs(`no shandian store at ${dir}`, 'pass the directory given to ingest --data');
    const engine = await Engine.open({ dir, threads: 0 });
    try {
      await engine.deleteSegment(name);
      io.stderr.write(`deleted segment ${JSON.stringify(name)}\n`);
    } finally {
      await engine.close();
    }
    return EXIT_OK;
  }
  const engine = await Engine.open({ dir, readOnly: true, threads: 0 });
  try {
    const segments = engine.segments();
    if (values.json) io.stdout.write(`${JSON.stringify(segments)}\n`);
    else if (segments.length === 0) io.stderr.write('no saved segments (save one with shandian save --data DIR --name NAME --expr XML)\n');
    else for (const { name, xml } of segments) io.stdout.write(`${name}\t${xml.replace(/\s*\n\s*/g, ' ')}\n`);
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}
