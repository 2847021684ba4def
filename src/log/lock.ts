import fs from 'node:fs';
import path from 'node:path';
import { ShandianError } from '../model/errors.js';

/** Directories this process holds, so a second open in the same process fails too. */
const heldHere = new Set<string>();

/**
 * A single writer per store: `DIR/LOCK` holds the owner's pid. A lock left
 * by a process that no longer exists is taken over; a live owner means
 * E_LOCKED at once.
 */
export class StoreLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string): StoreLock {
    const file = path.resolve(dir, 'LOCK');
    if (heldHere.has(file)) throw locked(dir, process.pid);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        fs.writeSync(fd, `${process.pid}\n`);
        fs.closeSync(fd);
        heldHere.add(file);
        return new StoreLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw locked(dir, owner);
      // stale (dead owner, unreadable, or our own pid reused after a crash): take it over
      fs.rmSync(file, { force: true });
    }
    throw locked(dir, undefined);
  }

  release(): void {
    heldHere.delete(this.file);
    fs.rmSync(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function locked(dir: string, pid: number | undefined): ShandianError {
  return new ShandianError('E_LOCKED', `the store ${dir} is open for writing by ${pid ? `process ${pid}` : 'another process'}`,
    { file: path.join(dir, 'LOCK') }, 'close the other engine first; only one writer may hold a store');
}
