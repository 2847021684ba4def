import { removeLogRanges, scanLog, type KeptFrame } from '../../log/append-log.js';
import { StoreLock } from '../../log/lock.js';
import { readMeta } from '../../log/store-files.js';
import { ShandianError } from '../../model/errors.js';
import { checkSnapshotsAccountedFor, readManifest } from '../../snapshot/manifest.js';
import { findSnapshotDamage } from '../../snapshot/verify-checksums.js';
import { checkNoDataWithoutMeta, loadLatest } from '../../engine/load-store.js';
import { EXIT_FAILURE, EXIT_OK } from '../common/cli-error.js';
import type { CliIo } from '../common/io.js';
import { parseOptions, required } from '../common/parse-options.js';

export const REPAIR_HELP = `Usage: shandian repair --data DIR [--yes]

Checks every store file and says what a repair would change. Nothing is
changed unless you pass --yes.

The log: a damaged frame (a checksum mismatch that is not a torn tail) is
cut out up to the next intact frame, found by its checksums: the intact
frames after the damage, in that file and later ones, are KEPT. The records
in the damaged bytes are lost (re-ingest them from their source). A kept
frame that no longer applies without them (a refund of an order that was in
the damaged bytes) is listed and removed too. Everything removed is listed
first, with its file, offset and size.

A damaged snapshot file (or a snapshot without its MANIFEST) cannot be
repaired here: repair reports it (E_CORRUPT, exit 1) and changes nothing;
restore the store from a backup, or re-ingest the source data into a new
store.

Exit codes: 0 nothing to repair or repaired; 1 damage found in a dry run, or
damage repair cannot fix.

Examples:
  shandian repair --data ./store          # dry run: report only
  shandian repair --data ./store --yes    # cut the damaged log bytes out
`;

export async function repairCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { data: { type: 'string' }, yes: { type: 'boolean' } }, false);
  if (values.help) return void io.stdout.write(REPAIR_HELP), EXIT_OK;
  const dir = required(values, 'data');
  const lock = StoreLock.acquire(dir);
  try {
    const meta = readMeta(dir);
    if (!meta) {
      checkNoDataWithoutMeta(dir);
      throw new ShandianError('E_BAD_ARGS', `no shandian store at ${dir}`, { file: dir }, 'pass the directory given to ingest --data');
    }
    const manifest = readManifest(dir); // E_CORRUPT if the manifest itself is damaged
    checkSnapshotsAccountedFor(dir, manifest);
    if (manifest) {
      const damaged = findSnapshotDamage(dir, manifest);
      for (const d of damaged) io.stdout.write(`damaged snapshot file: ${d.file}: ${d.reason}\n`);
      if (damaged.length > 0) {
        throw new ShandianError('E_CORRUPT', `${damaged.length} snapshot file(s) damaged: ${damaged[0]!.reason}`, { file: damaged[0]!.file },
          'repair cannot rebuild a snapshot: restore the store from a backup, or re-ingest the source data into a new store; nothing was changed');
      }
    }
    const scan = scanLog(dir, manifest?.nextLogSegment ?? 1);
    if (scan.damage.length === 0) {
      io.stdout.write(`nothing to repair: ${manifest ? `${manifest.files.length} snapshot files and ` : ''}${scan.frames.length} log frames check out\n`);
      return EXIT_OK;
    }
    // which intact frames still apply without the damaged bytes (replayed on the snapshot, as an open would)
    const { store } = loadLatest(dir, meta.shards);
    const dependent: { frame: KeptFrame; reason: string }[] = [];
    for (const frame of scan.frames) {
      const refused = store.check(frame.records);
      if (refused) dependent.push({ frame, reason: `record ${refused.index}: ${refused.error.reason}` });
      else store.apply(frame.records);
    }
    const first = scan.damage[0]!;
    const after = scan.frames.filter((f) => f.file > first.file || (f.file === first.file && f.offset > first.offset));
    const lostBytes = scan.damage.reduce((n, d) => n + d.bytes, 0);
    for (const d of scan.damage) io.stdout.write(`damaged: ${d.reason} at ${d.file}:${d.offset}, ${d.bytes} bytes: a repair removes them; the records in them are lost\n`);
    for (const { frame, reason } of dependent) {
      io.stdout.write(`depends on the damage: the frame at ${frame.file}:${frame.offset} (${frame.bytes} bytes, ${frame.records.length} records) no longer applies (${reason}): a repair removes it too\n`);
    }
    const kept = after.filter((f) => !dependent.some((d) => d.frame === f));
    io.stdout.write(`kept: ${kept.length} intact frame(s) (${kept.reduce((n, f) => n + f.records.length, 0)} records) after the first damage\n`);
    io.stdout.write('re-ingest the lost records from their source after the repair\n');
    if (!values.yes) {
      io.stdout.write('dry run: nothing changed (pass --yes to remove what is listed above)\n');
      return EXIT_FAILURE;
    }
    removeLogRanges([...scan.damage, ...dependent.map((d) => d.frame)]);
    io.stdout.write(`repaired: removed ${lostBytes} damaged bytes${dependent.length ? ` and ${dependent.length} dependent frame(s)` : ''}; ${kept.length} intact frame(s) after the damage kept\n`);
    return EXIT_OK;
  } finally {
    lock.release();
  }
}
