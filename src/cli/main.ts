#!/usr/bin/env node
import { compactCommand, COMPACT_HELP } from './commands/compact.js';
import { explainCommand, EXPLAIN_HELP } from './commands/explain.js';
import { genCommand, GEN_HELP } from './commands/gen.js';
import { ingestCommand, INGEST_HELP } from './commands/ingest.js';
import { queryCommand, QUERY_HELP } from './commands/query.js';
import { portraitCommand, PORTRAIT_HELP } from './commands/portrait.js';
import { repairCommand, REPAIR_HELP } from './commands/repair.js';
import { saveCommand, SAVE_HELP } from './commands/save.js';
import { changesCommand, CHANGES_HELP } from './commands/changes.js';
import { segmentsCommand, SEGMENTS_HELP } from './commands/segments.js';
import { infoCommand, INFO_HELP } from './commands/info.js';
import { verifyCommand, VERIFY_HELP } from './commands/verify.js';
import { badArgs, EXIT_OK, reportError } from './common/cli-error.js';
import { isClosedOutput, OutputClosed, watchOutput, type CliIo } from './common/io.js';

const COMMANDS: Record<string, { run: (argv: string[], io: CliIo) => Promise<number>; help: string }> = {
  ingest: { run: ingestCommand, help: INGEST_HELP },
  query: { run: queryCommand, help: QUERY_HELP },
  explain: { run: explainCommand, help: EXPLAIN_HELP },
  portrait: { run: portraitCommand, help: PORTRAIT_HELP },
  save: { run: saveCommand, help: SAVE_HELP },
  segments: { run: segmentsCommand, help: SEGMENTS_HELP },
  changes: { run: changesCommand, help: CHANGES_HELP },
  info: { run: infoCommand, help: INFO_HELP },
  gen: { run: genCommand, help: GEN_HELP },
  compact: { run: compactCommand, help: COMPACT_HELP },
  verify: { run: verifyCommand, help: VERIFY_HELP },
  repair: { run: repairCommand, help: REPAIR_HELP },
};

export const MAIN_HELP = `shandian: exact customer segments over orders, tags and attributes, in milliseconds.

Usage: shandian <command> [options]     (shandian <command> --help for details)

Commands:
  gen      generate a realistic synthetic dataset (NDJSON, CSV or Arrow)
  ingest   load order, refund, customer and tag records into a store
  query    run an XML segment query; print a count, ids or NDJSON
  explain  run a query and print its plan with estimated and actual sizes and times
  portrait who is in a segment: buckets by attribute, tag, shop, category or SKU, as a bar chart
  save     save a segment under a name for <ref segment="..."/>
  segments list saved segments, or delete one (--delete NAME)
  info     a store's size: customers, orders, lines, bytes on disk, saved segments
  changes  the change feed of a live segment (save --live), as NDJSON
  compact  write a snapshot and drop the log it covers (fast reopen)
  verify   check every store file's checksums without changing anything
  repair   cut the log at a damaged frame (dry run unless --yes)

Quick start:
  shandian gen --out orders.ndjson --orders 100000 --seed 7
  shandian ingest --data ./store orders.ndjson
  shandian query --data ./store --expr '<segment><bought category="shoes" last="90d" minCount="2"/></segment>'

Exit codes: 0 ok; 2 bad query, arguments or input records; 1 any other failure.
Errors are printed to stderr as CODE: where: what (what to do).
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  watchOutput(io.stdout); // a closed pipe (| head -1) must not crash with an EPIPE stack
  watchOutput(io.stderr);
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? rest[0] : undefined;
      io.stdout.write(topic && COMMANDS[topic] ? COMMANDS[topic].help : MAIN_HELP);
      return name === undefined ? 2 : EXIT_OK;
    }
    const command = COMMANDS[name];
    if (!command) throw badArgs(`unknown command ${JSON.stringify(name)}`, `commands: ${Object.keys(COMMANDS).join(', ')}`);
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof OutputClosed) return EXIT_OK; // the reader has what it wanted (| head): exit quietly
    return reportError(e, io.stderr);
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${(await import('node:fs')).realpathSync(process.argv[1])}`).href;
if (isEntry) {
  // last resort: nothing a user sees is a raw stack (E_INTERNAL asks for a report instead)
  const fatal = (e: unknown) => {
    if (isClosedOutput(e)) process.exit(EXIT_OK);
    process.exit(reportError(e, process.stderr));
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  process.exitCode = code;
}
