/** What a result file records about the code and the store it measured (bench/standard/run.ts, bench/large/large.ts). */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A hash of the engine's sources, so a report can tell when sizes were measured on different code. */
export function sourceFingerprint(dir: string): string {
  const h = createHash('sha256');
  try {
    const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).sort();
    for (const f of files) h.update(f).update('\0').update(fs.readFileSync(path.join(dir, f))).update('\0');
  } catch {
    return 'unknown';
  }
  return h.digest('hex').slice(0, 12);
}

/** Top-level entries of the store directory; directories as `name/ (N files)`. */
export function describeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    if (!e.isDirectory()) return e.name;
    const files = fs.readdirSync(path.join(dir, e.name), { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).length;
    return `${e.name}/ (${files} file${files === 1 ? '' : 's'})`;
  }).sort();
}
