import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSharedFile, snapshotLoading } from '../../src/snapshot/map-file.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shandian-map-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const built = fs.existsSync(path.join(import.meta.dirname, '..', '..', 'build', 'Release', 'shandian_map.node'));

describe('loadSharedFile', () => {
  it('maps snapshot files when the native mapper is built (npm install builds it), unless SHANDIAN_NO_MMAP=1', () => {
    expect(snapshotLoading).toBe(built && process.env.SHANDIAN_NO_MMAP !== '1' ? 'mmap' : 'read');
  });

  for (const map of [true, false]) {
    it(`${map ? 'mapped' : 'read'}: the file's bytes over shared memory; writing to them leaves the file alone`, () => {
      const file = path.join(tmp(), 'f.bin');
      const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff));
      fs.writeFileSync(file, bytes);
      const loaded = loadSharedFile(file, { map });
      expect(loaded.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.compare(loaded, bytes)).toBe(0);
      loaded[0] = 0xee; // copy-on-write when mapped
      expect(fs.readFileSync(file)[0]).toBe(bytes[0]);
      // a Uint32 view of it, as a column is
      expect(new Uint32Array(loaded.buffer, 0, 2).length).toBe(2);
    });

    it(`${map ? 'mapped' : 'read'}: an empty file is zero bytes, a missing one throws`, () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'empty'), '');
      expect(loadSharedFile(path.join(dir, 'empty'), { map }).length).toBe(0);
      expect(() => loadSharedFile(path.join(dir, 'missing'), { map })).toThrow(/ENOENT/);
    });
  }
});
