import { Engine } from '../../engine/engine.js';
import { EXIT_OK } from '../common/cli-error.js';
import type { CliIo } from '../common/io.js';
import { parseOptions, required } from '../common/parse-options.js';

export const COMPACT_HELP = `Usage: shandian compact --data DIR

Writes a snapshot of the store (Arrow IPC columns, roaring bitmaps,
dictionaries, a checksummed manifest) and removes the log it covers, so the
next open loads columns instead of replaying records. Stores also snapshot by
themselves when closed with more than 4 MiB of log since the last snapshot.

Example:
  shandian compact --data ./store
`;

export async function compactCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { data: { type: 'string' } }, false);
  if (values.help) return void io.stdout.write(COMPACT_HELP), EXIT_OK;
  const dir = required(values, 'data');
  const engine = await Engine.open({ dir });
  try {
    const started = performance.now();
    const manifest = await engine.snapshot();
    const bytes = manifest?.files.reduce((n, f) => n + f.bytes, 0) ?? 0;
    const lines = manifest?.records.lines ?? 0;
    io.stderr.write(`snapshot ${manifest?.snapshot}: ${(bytes / 1048576).toFixed(1)} MiB, ${lines ? (bytes / lines).toFixed(1) : '0'} bytes per order line, ` +
      `${((performance.now() - started) / 1000).toFixed(2)}s\n`);
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}
