import path from 'node:path';
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

/** Saved segments: name -> XML. */
export function readSavedSegments(dir: string): Record<string, string> {
  return readCheckedJson<Record<string, string>>(path.join(dir, 'segments.json')) ?? {};
}

export function writeSavedSegments(dir: string, segments: Record<string, string>): void {
  writeCheckedJson(path.join(dir, 'segments.json'), segments);
}
