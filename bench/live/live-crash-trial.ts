/**
 * kill -9 trials of live segments: run bench/live/live-crash-writer in a
 * child process, SIGKILL it at a chosen moment, reopen the store (which
 * records what the feed missed) and check the feed: every change
 * acknowledged before the kill is there, unchanged; seqs are 1..max with no
 * gap and none twice; each customer's changes alternate entered / exited
 * (none invented); and for every live segment the customers whose latest
 * change is entered are exactly its members.
 * Used by test/live/crash.test.ts (a few trials) and bench/live/crash-soak.ts (many).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src/index.js';
import { runAndKill } from '../common/kill-writer.js';
import { LIVE_CRASH_SEGMENTS } from './live-crash-segments.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const LIVE_CRASH_WRITER = fs.existsSync(path.join(here, 'live-crash-writer.js'))
  ? path.join(here, 'live-crash-writer.js') // running compiled: the writer beside this file
  : path.resolve(here, '../../dist/bench/live/live-crash-writer.js');

/** Every change seen by an earlier check (durable): seq -> its text. */
export type KnownChanges = Map<number, string>;

export interface LiveTrialOutcome {
  ackedSeq: number;
  lastSeq: number;
  batches: number;
}

async function runWriter(dir: string, seed: number, killAfterMs: number) {
  let ackedSeq = 0, batches = 0;
  await runAndKill(LIVE_CRASH_WRITER, [dir, String(seed)], killAfterMs, ([kind, , seq]) => {
    if (kind === 'ack') {
      ackedSeq = Math.max(ackedSeq, Number(seq));
      batches++;
    }
  });
  return { ackedSeq, batches };
}

/** One trial; throws an Error describing the first violation. */
export async function liveCrashTrial(dir: string, seed: number, killAfterMs: number, known: KnownChanges): Promise<LiveTrialOutcome> {
  const { ackedSeq, batches } = await runWriter(dir, seed, killAfterMs);
  const engine = await Engine.open({ dir, threads: 0 });
  try {
    const seen = new Map<number, string>();
    for (const [name, xml] of Object.entries(LIVE_CRASH_SEGMENTS)) {
      const latest = new Map<string, string>();
      let prev = 0;
      for await (const c of engine.changes(name)) {
        if (c.seq <= prev) throw new Error(`${name}: seq ${c.seq} after ${prev}`);
        prev = c.seq;
        if (seen.has(c.seq)) throw new Error(`seq ${c.seq} twice`);
        const text = `${c.segment} ${c.customer_id} ${c.change} ${c.cause} ${c.at}`;
        seen.set(c.seq, text);
        const before = latest.get(c.customer_id);
        if ((before ?? 'exited') === c.change) throw new Error(`${name}: ${c.customer_id} ${c.change} twice in a row (seq ${c.seq})`);
        latest.set(c.customer_id, c.change);
      }
      const fromFeed = [...latest].filter(([, v]) => v === 'entered').map(([k]) => k).sort();
      const members: string[] = [];
      for await (const id of (await engine.query(xml)).ids()) members.push(id);
      members.sort();
      if (JSON.stringify(fromFeed) !== JSON.stringify(members)) {
        throw new Error(`${name}: the feed says ${fromFeed.length} members, the store ${members.length}`);
      }
    }
    const lastSeq = Math.max(0, ...seen.keys());
    if (seen.size !== lastSeq) throw new Error(`seqs have gaps: ${seen.size} changes, last seq ${lastSeq}`);
    if (lastSeq !== engine.lastChangeSeq) throw new Error(`lastChangeSeq ${engine.lastChangeSeq}, the feed ends at ${lastSeq}`);
    if (lastSeq < ackedSeq) throw new Error(`lost acknowledged changes: the feed ends at ${lastSeq}, ${ackedSeq} were acknowledged`);
    for (const [seq, text] of known) {
      if (seen.get(seq) !== text) throw new Error(`seq ${seq} changed: was "${text}", now "${seen.get(seq)}"`);
    }
    for (const [seq, text] of seen) known.set(seq, text);
    return { ackedSeq, lastSeq, batches };
  } finally {
    await engine.close();
  }
}
