import path from 'node:path';
import { fail } from '../model/errors.js';
import { readCheckedJson, writeCheckedJson } from './checked-json.js';

/** What a store records about itself once, at creation. */
export interface StoreMeta {
  format: 1;
  shards: number;
  /** the engine's configured zone for date-only bounds, if one was set */
  tz?: string;
}

export function readMeta(dir: string): StoreMeta | undefined {
  return readCheckedJson<StoreMeta>(path.join(dir, 'meta.json'));
}

export function writeMeta(dir: string, meta: StoreMeta): void {
  writeCheckedJson(path.join(dir, 'meta.json'), meta);
}

/**
 * Saved segments: name -> XML, in a Map, so any name (`__proto__`,
 * `constructor`) is just a name. JSON.parse defines every key as an own
 * property, which Object.entries reads back as written.
 */
export function readSavedSegments(dir: string): Map<string, string> {
  const file = path.join(dir, 'segments.json');
  const json = readCheckedJson<unknown>(file);
  const segments = new Map<string, string>();
  if (json === undefined) return segments;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw fail.corruptFile(file, 'saved segments are not an object');
  for (const [name, xml] of Object.entries(json)) {
    if (typeof xml !== 'string') throw fail.corruptFile(file, `saved segment ${JSON.stringify(name)} is not XML text`);
    segments.set(name, xml);
  }
  return segments;
}

export function writeSavedSegments(dir: string, segments: ReadonlyMap<string, string>): void {
  // Object.fromEntries defines own properties: a "__proto__" entry is written like any other
  writeCheckedJson(path.join(dir, 'segments.json'), Object.fromEntries(segments));
}
