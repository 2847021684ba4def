import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../engine/engine.js';
import { readMeta } from '../../log/store-files.js';
import { MANIFEST, SNAPSHOTS } from '../../snapshot/manifest.js';
import { EXIT_OK } from '../common/cli-error.js';
import type { CliIo } from '../common/io.js';
import { parseOptions, required } from '../common/parse-options.js';

export const INFO_HELP = `Usage: shandian info --data DIR [--json]

Describes a store: customers, orders and order lines; shards and time zone
(fixed when the store was created); bytes on disk of the snapshot and of the
log after it, and bytes a line; the saved segments. Opens the store
read-only, so it works while another process ingests (the numbers are those
of the moment it opened).

--json prints one JSON object instead, with the fields customers, orders,
lines, shards, tz, snapshotBytes, logBytes, totalBytes, bytesPerLine and
segments (names).

Examples:
  shandian info --data ./store
  shandian info --data ./store --json | jq .lines
`;

export interface StoreInfo {
  customers: number;
  orders: number;
  lines: number;
  shards: number;
  tz: string;
  /** the snapshot files and manifest */
  snapshotBytes: number;
  /** the log segments after the snapshot */
  logBytes: number;
  /** every file of the store */
  totalBytes: number;
  /** totalBytes / lines, rounded (0 for an empty store) */
  bytesPerLine: number;
  segments: string[];
}

export async function infoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, { data: { type: 'string' }, json: { type: 'boolean' } }, false);
  if (values.help) return void io.stdout.write(INFO_HELP), EXIT_OK;
  const dir = required(values, 'data');
  const engine = await Engine.open({ dir, readOnly: true, threads: 0 });
  let info: StoreInfo;
  try {
    const size = engine.size;
    const totalBytes = bytesUnder(dir);
    const logBytes = bytesUnder(path.join(dir, 'log'));
    const snapshotBytes = bytesUnder(path.join(dir, SNAPSHOTS)) + bytesUnder(path.join(dir, MANIFEST));
    info = {
      ...size,
      tz: readMeta(dir)?.tz ?? 'UTC',
      snapshotBytes,
      logBytes,
      totalBytes,
      bytesPerLine: size.lines > 0 ? Math.round(totalBytes / size.lines) : 0,
      segments: engine.savedSegments(),
    };
  } finally {
    await engine.close();
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(info)}\n`);
    return EXIT_OK;
  }
  const n = (x: number) => x.toLocaleString('en-US');
  io.stdout.write(
    `store      ${dir}\n` +
      `customers  ${n(info.customers)}\n` +
      `orders     ${n(info.orders)}\n` +
      `lines      ${n(info.lines)}\n` +
      `shards     ${info.shards}\n` +
      `tz         ${info.tz}\n` +
      `snapshot   ${bytes(info.snapshotBytes)}\n` +
      `log        ${bytes(info.logBytes)}\n` +
      `on disk    ${bytes(info.totalBytes)} (${n(info.bytesPerLine)} bytes a line)\n` +
      `segments   ${info.segments.length === 0 ? 'none' : info.segments.map((s) => JSON.stringify(s)).join(', ')}\n`,
  );
  return EXIT_OK;
}

/** Bytes of a file, or of every file under a directory; files removed while counting (a writer's snapshot) count 0. */
function bytesUnder(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  let entries: string[];
  try {
    entries = fs.readdirSync(p);
  } catch {
    return 0;
  }
  return entries.reduce((sum, e) => sum + bytesUnder(path.join(p, e)), 0);
}

function bytes(b: number): string {
  if (b < 1024) return `${b} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = b / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) [v, i] = [v / 1024, i + 1];
  return `${v.toFixed(1)} ${units[i]} (${b.toLocaleString('en-US')} B)`;
}
