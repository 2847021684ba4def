/**
 * The change feed's unit on disk: one frame per round of changes (one
 * append round, one save, one time refresh), written with the log's frame
 * format (src/log/frame.ts). Seqs are implicit: the frame's first `seq`,
 * then one per id in the order listed (each segment's entered ids, then its
 * exited ids), so a frame costs a few bytes per change plus the ids.
 */

export type ChangeKind = 'entered' | 'exited';
export type ChangeCause = 'data' | 'time' | 'saved';

/** One change of one live segment's membership, as `engine.changes` yields it. */
export interface LiveChange {
  seq: number;
  segment: string;
  customer_id: string;
  change: ChangeKind;
  /** ISO-8601 instant (from the engine's clock) at which the change was recorded */
  at: string;
  cause: ChangeCause;
}

/** One segment's part of a frame. */
export interface SegmentChanges {
  segment: string;
  entered: string[];
  exited: string[];
}

export interface FeedFrame {
  /** seq of the first change listed; a frame without changes has the next seq to come */
  seq: number;
  /** epoch ms from the clock */
  at: number;
  cause: ChangeCause;
  changes: SegmentChanges[];
  /**
   * Definitions that took effect with this frame: the segment is live with
   * this XML from here on, or (xml null) no longer live. The feed is where
   * live-ness is recorded, so a definition and the changes it caused are
   * one durable write.
   */
  defines?: { segment: string; xml: string | null }[];
}

/** Changes in a frame. */
export function changeCount(frame: FeedFrame): number {
  let n = 0;
  for (const c of frame.changes) n += c.entered.length + c.exited.length;
  return n;
}

/** The frame's changes with their seqs, in seq order (optionally one segment's, after a seq). */
export function* frameChanges(frame: FeedFrame, segment?: string, after = 0): Generator<LiveChange> {
  let seq = frame.seq;
  const at = new Date(frame.at).toISOString();
  for (const c of frame.changes) {
    const n = c.entered.length + c.exited.length;
    if ((segment !== undefined && c.segment !== segment) || seq + n - 1 <= after) {
      seq += n;
      continue;
    }
    for (const id of c.entered) {
      if (seq > after) yield { seq, segment: c.segment, customer_id: id, change: 'entered', at, cause: frame.cause };
      seq++;
    }
    for (const id of c.exited) {
      if (seq > after) yield { seq, segment: c.segment, customer_id: id, change: 'exited', at, cause: frame.cause };
      seq++;
    }
  }
}
