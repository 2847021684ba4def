import fs from 'node:fs';
import path from 'node:path';
import { ShandianError } from '../model/errors.js';

/**
 * Checks a directory argument (--data) before anything is created, and
 * creates what is missing one level at a time. Node's recursive mkdir gives
 * a raw EEXIST when the path is a file, and spins forever under /proc; here
 * the first existing ancestor must be a directory this process may write to.
 * Returns the directories it created, outermost first (for a cleanup that
 * leaves the file system as it was).
 */
export function prepareDirectory(dir: string, flag: string): string[] {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let existing = abs;
  let stat: fs.Stats | undefined;
  for (;;) {
    try {
      stat = fs.statSync(existing);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw pathError(dir, flag, `cannot look at ${existing}: ${code}`, 'check the path and its permissions');
      const parent = path.dirname(existing);
      if (parent === existing) throw pathError(dir, flag, 'no part of the path exists', 'check the path');
      missing.unshift(existing);
      existing = parent;
    }
  }
  if (!stat.isDirectory()) {
    throw existing === abs
      ? pathError(dir, flag, 'is a file, not a directory', `give a directory for ${flag}: a store, an empty or a new one`)
      : pathError(dir, flag, `${existing} is a file, not a directory`, 'check the path');
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw pathError(dir, flag, `${existing} is not writable`, 'choose a directory you may write to, or change its permissions');
  }
  const created: string[] = [];
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && fs.statSync(d).isDirectory()) continue; // made meanwhile by someone else
      removeCreated(created);
      throw pathError(dir, flag, `cannot create ${d} (${code})`, 'choose a directory on a writable file system');
    }
    created.push(d);
  }
  return created;
}

/** Removes directories `prepareDirectory` created, innermost first, each only while empty. */
export function removeCreated(created: readonly string[]): void {
  for (const d of [...created].reverse()) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty (someone else's files): leave it and its parents
    }
  }
}

/**
 * Checks an output file argument (gen --out): not a directory, and its
 * directory exists and is writable (not created: a typo in it should not
 * make directories).
 */
export function checkOutputFile(file: string, flag: string): void {
  const abs = path.resolve(file);
  try {
    if (fs.statSync(abs).isDirectory()) throw pathError(file, flag, 'is a directory', `give a file name for ${flag}, e.g. ${path.join(file, 'orders.ndjson')}`);
  } catch (e) {
    if (e instanceof ShandianError) throw e;
  }
  const parent = path.dirname(abs);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(parent);
  } catch {
    throw pathError(file, flag, `the directory ${parent} does not exist`, 'create it first, or write the file elsewhere');
  }
  if (!stat.isDirectory()) throw pathError(file, flag, `${parent} is a file, not a directory`, 'check the path');
  try {
    fs.accessSync(parent, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw pathError(file, flag, `the directory ${parent} is not writable`, 'write the file to a directory you may write to');
  }
}

function pathError(arg: string, flag: string, reason: string, hint: string): ShandianError {
  return new ShandianError('E_BAD_ARGS', `${flag} ${arg}: ${reason}`, {}, hint);
}
