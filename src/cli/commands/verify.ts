import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../engine/engine.js';
import { FEED_DIR } from '../../live/feed-log.js';
import { readManifest } from '../../snapshot/manifest.js';
import { EXIT_OK } from '../common/cli-error.js';
import type { CliIo } from '../common/io.js';
import { parseOptions, required } from '../common/parse-options.js';

export const VERIFY_HELP = `Usage: shandian verify --data DIR

Reads every file of the store without changing anything: MANIFEST, meta.json
and segments.json (each carries a CRC-32C of its body), every snapshot file
against its recorded length and CRC-32 (zlib's; snapshots written before
format 4 recorded a CRC-32C, still checked as such), every log frame
(a CRC-32C of its length and one of its payload), and every frame of the
live segments' change feed (DIR/feed/*.feed: the same checksums, and each
frame's seq following the last change of the frame before it, no feed file
missing).
Prints what it checked; a damaged file is E_CORRUPT with the file and offset
(exit 1). A torn tail (an append cut short by a crash) is reported; the next
writer drops it on open. A torn feed tail is the changes of an append that a
crash cut short: that append was never acknowledged; the next writer drops
the torn frame and, on open, records the difference again.

Example:
  shandian verify --data ./store
`;

export async function verifyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { data: { type: 'string' } }, false);
  if (values.help) return void io.stdout.write(VERIFY_HELP), EXIT_OK;
  const dir = required(values, 'data');
  for (let attempt = 1; ; attempt++) {
    const before = readManifest(dir);
    const engine = await Engine.open({ dir, readOnly: true });
    try {
      engine.verifyAll(); // reads what opening left for later: a writer's snapshot may remove it meanwhile
      const size = engine.size;
      const r = engine.recovery;
      io.stdout.write(`ok: ${size.customers} customers, ${size.orders} orders, ${size.lines} lines; ${r?.frames ?? 0} log frames after the snapshot\n`);
      if (r?.tornTail) io.stdout.write(`torn tail: ${r.tornTail.bytes} bytes at ${r.tornTail.file}:${r.tornTail.offset} (dropped by the next writer)\n`);
      const f = engine.feedRecovery;
      if (!f || !fs.existsSync(path.join(dir, FEED_DIR))) io.stdout.write('feed: none\n');
      else io.stdout.write(`feed: ${f.frames} frames, ${f.changes} changes, last seq ${f.lastSeq}\n`);
      if (f?.tornTail) {
        io.stdout.write(`feed torn tail: ${f.tornTail.bytes} bytes at ${f.tornTail.file}:${f.tornTail.offset} (an unacknowledged append: dropped by the next writer, which records the difference again)\n`);
      }
      return EXIT_OK;
    } catch (e) {
      const now = readManifest(dir);
      const moved = before?.snapshot !== now?.snapshot || before?.createdAt !== now?.createdAt;
      if (!moved || attempt >= 5) throw e; // the manifest did not change: real damage
    } finally {
      await engine.close();
    }
  }
}
