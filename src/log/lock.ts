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
        fs.writeSync(fd, `${process.pid}\n${startTimeOf(process.pid) ?? ''}\n`);
        fs.closeSync(fd);
        heldHere.add(file);
        return new StoreLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const seen = readLock(file);
      if (seen === undefined) continue; // released meanwhile: try again
      const [pidText = '', started = ''] = seen.split('\n');
      const owner = Number.parseInt(pidText, 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && holdsLock(owner, started)) throw locked(dir, owner);
      // stale (dead owner, unreadable, or our own pid reused after a crash): take it over, but only
      // if it is still the lock judged stale: another process may have taken it over meanwhile
      if (readLock(file) !== seen) continue;
      fs.rmSync(file, { force: true });
    }
    throw locked(dir, undefined);
  }

  release(): void {
    heldHere.delete(this.file);
    fs.rmSync(this.file, { force: true });
  }
}

/** The lock file's text, or undefined if there is none. */
function readLock(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Whether the process named in a lock file is still the writer that wrote it.
 * After kill -9 its pid may be reused by an unrelated process, so on Linux
 * the process start time recorded in the lock must match too (or, for a lock
 * without one, the process must at least be a node process).
 */
function holdsLock(pid: number, recordedStart: string): boolean {
  if (!isAlive(pid)) return false;
  const start = startTimeOf(pid);
  if (start === undefined) return true; // no /proc: trust the pid
  if (recordedStart) return recordedStart === start;
  try {
    return /node|shandian/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}

/** Start time of a process in clock ticks since boot (Linux /proc), or undefined. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces) start at ") "
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
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
