import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bitmap } from '../../src/index/bitmap.js';
import runWorkerRequest from '../../src/exec/bought-worker.js';
import {
  boughtRequest, checkReply, checkRequest, decodeResults, encodeResults, errorReply, PROTOCOL_VERSION, type WorkerRequest,
} from '../../src/exec/protocol.js';
import { ShandianError } from '../../src/model/errors.js';

describe('worker protocol (src/exec/protocol.ts)', () => {
  it('results round-trip through the reply buffer, which carries the version', () => {
    const results = [
      { members: Bitmap.of(1, 5, 70_000), timeMs: 1.5 },
      { members: new Bitmap(), timeMs: 0 },
      { members: Bitmap.of(3), timeMs: 2 },
    ];
    const buffer = encodeResults(results);
    expect(new DataView(buffer).getUint32(4, true)).toBe(PROTOCOL_VERSION);
    const back = decodeResults(checkReply(buffer));
    expect(back.map((r) => [...r.members.toArray()])).toEqual([[1, 5, 70_000], [], [3]]);
    expect(back.map((r) => r.timeMs)).toEqual([1.5, 0, 2]);
  });

  it('requests are tagged and versioned; the worker refuses another version with E_INTERNAL', () => {
    expect(boughtRequest([])).toEqual({ kind: 'bought', version: PROTOCOL_VERSION, tasks: [] });
    expect(() => checkRequest({ kind: 'bought', version: PROTOCOL_VERSION + 1, tasks: [] })).toThrow(/protocol version/);
    // through the worker function itself: the refusal comes back as an error reply, not a crash
    const reply = runWorkerRequest({ kind: 'bought', version: 99, tasks: [] } as WorkerRequest);
    expect(reply).toMatchObject({ kind: 'error', version: PROTOCOL_VERSION, code: 'E_INTERNAL' });
  });

  it('the caller refuses a reply of another version', () => {
    const buffer = encodeResults([]);
    new DataView(buffer).setUint32(4, PROTOCOL_VERSION + 1, true);
    expect(() => checkReply(buffer)).toThrow(/protocol version/);
    expect(() => checkReply({ ...errorReply(new ShandianError('E_LIMIT', 'x')), version: 0 })).toThrow(/protocol version 0/);
  });

  it('a ShandianError crosses as itself: same code, reason, location, hint', () => {
    const thrown = new ShandianError('E_BAD_RECORD', 'too big', { line: 3 }, 'split it');
    const reply = structuredClone(errorReply(thrown)); // as a worker's message travels
    let caught: unknown;
    try {
      checkReply(reply);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ShandianError);
    const e = caught as ShandianError;
    expect([e.code, e.reason, e.where, e.hint, e.message]).toEqual([thrown.code, thrown.reason, thrown.where, thrown.hint, thrown.message]);
  });
});

// Worker threads run the compiled worker (dist/), as test/engine/threads.test.ts does.
const built = path.join(import.meta.dirname, '../../dist/src/engine/query-pool.js');
describe.skipIf(!fs.existsSync(built))('worker protocol, across a thread', () => {
  it("a worker's ShandianError arrives as a ShandianError with its code, reason and hint", async () => {
    const { QueryPool } = (await import(built)) as typeof import('../../src/engine/query-pool.js');
    const errors = (await import(path.join(import.meta.dirname, '../../dist/src/model/errors.js'))) as typeof import('../../src/model/errors.js');
    const pool = QueryPool.create(1)!;
    try {
      const error = await pool.send({ kind: 'bought', version: 99, tasks: [] } as WorkerRequest).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errors.ShandianError);
      expect(error).toMatchObject({ code: 'E_INTERNAL', reason: expect.stringContaining('protocol version 99') as string });
      expect((error as ShandianError).hint).toBeTruthy();
      // and a request of this version still runs
      expect(decodeResultsOf(await pool.send(boughtRequest([])))).toEqual(0);
    } finally {
      await pool.close();
    }
  });
});

function decodeResultsOf(buffer: ArrayBuffer): number {
  return decodeResults(buffer).length;
}
