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
});
