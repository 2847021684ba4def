import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { ShandianError } from '../../src/model/errors.js';

async function openError(dir: string): Promise<ShandianError> {
  const started = Date.now();
  const e = await Engine.open({ dir }).then(
    async (engine) => {
      await engine.close();
      throw new Error('expected Engine.open to fail');
    },
    (err: unknown) => err,
  );
  expect(Date.now() - started).toBeLessThan(5_000); // never the spinning recursive mkdir
  expect(e).toBeInstanceOf(ShandianError);
  return e as ShandianError;
}

describe('Engine.open checks its dir before creating it (every command that opens a store: save, compact, repair...)', () => {
  it('a dir under /proc is E_BAD_ARGS at once, not a recursive mkdir that never returns', async () => {
    const e = await openError('/proc/shandian-nope/store');
    expect(e.code).toBe('E_BAD_ARGS');
    expect(e.hint).toBeTruthy();
  });

  it('a dir that is a file, or under a file, is E_BAD_ARGS naming it, not a raw EEXIST/ENOTDIR', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-path-'));
    const file = path.join(root, 'plain-file');
    fs.writeFileSync(file, 'x');
    for (const dir of [file, path.join(file, 'store')]) {
      const e = await openError(dir);
      expect(e.code).toBe('E_BAD_ARGS');
      expect(e.message).toContain('is a file');
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('missing parents are created one level at a time and the store opens', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-path-'));
    const engine = await Engine.open({ dir: path.join(root, 'a', 'b', 'store'), durability: 'none' });
    expect(engine.size.customers).toBe(0);
    await engine.close();
    expect(fs.statSync(path.join(root, 'a', 'b', 'store')).isDirectory()).toBe(true);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
