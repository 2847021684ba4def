import { findLogDamage, cutLogAt } from '../../log/append-log.js';
import { StoreLock } from '../../log/lock.js';
import { readManifest } from '../../snapshot/manifest.js';
import { EXIT_FAILURE, EXIT_OK } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { parseOptions, required } from '../parse-options.js';

export const REPAIR_HELP = `Usage: shandian repair --data DIR [--yes]

Finds the first damaged frame in the store's log (a checksum mismatch that is
not a torn tail) and says what cutting the log there would drop. Nothing is
changed unless you pass --yes; then the log is truncated to the last good
frame and later log files are removed. Records after the damage are LOST:
re-ingest them from their source. A damaged snapshot cannot be repaired here:
restore the store from a backup.

Examples:
  shandian repair --data ./store          # dry run: report only
  shandian repair --data ./store --yes    # cut the log at the damage
`;

export async function repairCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { data: { type: 'string' }, yes: { type: 'boolean' } }, false);
  if (values.help) return void io.stdout.write(REPAIR_HELP), EXIT_OK;
  const dir = required(values, 'data');
  const lock = StoreLock.acquire(dir);
  try {
    const manifest = readManifest(dir); // E_CORRUPT if the manifest itself is damaged
    const damage = findLogDamage(dir, manifest?.nextLogSegment ?? 1);
    if (!damage) {
      io.stdout.write('the log has no damaged frame; nothing to repair\n');
      return EXIT_OK;
    }
    const later = damage.laterFiles.length ? ` and ${damage.laterFiles.length} later log file(s)` : '';
    io.stdout.write(`damage: ${damage.reason} at ${damage.file}:${damage.offset}\n`);
    io.stdout.write(`a repair drops ${damage.bytesInFile} bytes from that offset${later}; the records in them are lost\n`);
    if (!values.yes) {
      io.stdout.write('dry run: nothing changed (pass --yes to cut the log there)\n');
      return EXIT_FAILURE;
    }
    cutLogAt(damage);
    io.stdout.write('repaired: the log now ends at the last good frame\n');
    return EXIT_OK;
  } finally {
    lock.release();
  }
}
