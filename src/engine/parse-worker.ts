/**
 * The helper thread that parses big query texts (engine/parse-helper.ts), so
 * that fast-xml-parser's one synchronous pass over a large XML does not hold
 * the calling thread. Replies with the AST (plain data, structured-cloned) or
 * a ShandianError's fields; anything else is reported as `crash`, and the
 * caller then parses on its own thread to give the same answer.
 */
import { parentPort } from 'node:worker_threads';
import { isShandianError } from '../model/errors.js';
import { parseSegment, type ParseLimits } from '../language/parse-segment.js';
import { EVENTS_PER_MESSAGE, preOrder, type AstEvent } from './ast-events.js';

interface Request {
  id: number;
  xml: string;
  limits?: Partial<ParseLimits>;
  /** acks[0]: batches the calling thread has taken in (it sets it high when it stops listening) */
  acks: Int32Array;
}

/** Waits until `want` batches are acknowledged; false after 10 s without progress. */
function awaitAcks(acks: Int32Array, want: number): boolean {
  for (;;) {
    const seen = Atomics.load(acks, 0);
    if (seen >= want) return true;
    if (Atomics.wait(acks, 0, seen, 10_000) === 'timed-out') return false;
  }
}

parentPort!.on('message', ({ id, xml, limits, acks }: Request) => {
  try {
    const ast = parseSegment(xml, limits);
    // the tree goes in batches of nodes (pre-order), each its own message: the
    // calling thread rebuilds a batch per turn of its event loop instead of
    // deserialising a 20,000-node tree in one go
    // deserialising a 20,000-node tree in one go. A port delivers every queued
    // message in one go, so a batch is sent once the one before the last is
    // acknowledged (`acks`, counted up by the calling thread).
    let batch: AstEvent[] = [];
    let sent = 0;
    for (const event of preOrder(ast)) {
      batch.push(event);
      if (batch.length < EVENTS_PER_MESSAGE) continue;
      if (!awaitAcks(acks, sent - 1)) return; // the caller is gone
      parentPort!.postMessage({ id, events: batch }), (batch = []), sent++;
    }
    parentPort!.postMessage({ id, events: batch, done: true });
  } catch (e) {
    if (isShandianError(e)) parentPort!.postMessage({ id, error: { code: e.code, reason: e.reason, where: e.where, hint: e.hint } });
    else parentPort!.postMessage({ id, crash: true });
  }
});
