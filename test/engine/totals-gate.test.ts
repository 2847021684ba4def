import { describe, expect, it } from 'vitest';
import { TotalsGate } from '../../src/engine/totals-gate.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('TotalsGate', () => {
  it('applies at once with no reader in flight', async () => {
    const gate = new TotalsGate();
    expect(await gate.exclusive(() => 7)).toBe(7);
  });

  it('holds an apply back until every reader has exited, and sends new readers inline meanwhile', async () => {
    const gate = new TotalsGate();
    expect(gate.enter()).toBe(true);
    expect(gate.enter()).toBe(true);
    let applied = false;
    const writer = gate.exclusive(() => (applied = true));
    await tick();
    expect(applied).toBe(false);
    expect(gate.enter()).toBe(false); // a writer waits: run inline
    gate.exit();
    await tick();
    expect(applied).toBe(false);
    gate.exit();
    await writer;
    expect(applied).toBe(true);
    expect(gate.readers).toBe(0);
    expect(gate.enter()).toBe(true); // open again
    gate.exit();
  });

  it('a failing apply still reopens the gate', async () => {
    const gate = new TotalsGate();
    await expect(gate.exclusive(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(gate.enter()).toBe(true);
    gate.exit();
  });

  it('a query (read) holds appends back across its pauses, and waits while an append waits or applies', async () => {
    const gate = new TotalsGate();
    const done = await gate.read();
    let applied = false;
    const writer = gate.exclusive(() => (applied = true));
    await tick();
    await tick(); // the query is paused for the event loop: the append must not apply
    expect(applied).toBe(false);
    let second = false;
    const reading = gate.read().then((release) => ((second = true), release));
    await tick();
    expect(second).toBe(false); // appends go first: a new query waits for the waiting append
    done();
    done(); // twice is once
    await writer;
    expect(applied).toBe(true);
    const release = await reading;
    expect(second).toBe(true);
    expect(gate.readers).toBe(1);
    release();
    expect(gate.readers).toBe(0);
  });
});
