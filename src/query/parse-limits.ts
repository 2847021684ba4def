import { ShandianError } from '../model/errors.js';
import { ENGINE_DEFAULTS } from '../model/defaults.js';

/** Caps on query text, checked before any XML parsing happens. */
export interface ParseLimits {
  /** size of the XML text in UTF-8 bytes */
  maxBytes: number;
  /** nesting depth in elements; the root `<segment>` is depth 1 */
  maxDepth: number;
}

/** The contract's defaults: 1 MiB of XML text and 100 nested elements. */
export const DEFAULT_LIMITS: Readonly<ParseLimits> = Object.freeze({ ...ENGINE_DEFAULTS.limits.value });

/** Fills in defaults; a nonsensical limit is the caller's bug, not the query's. */
export function resolveLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  const resolved = { ...DEFAULT_LIMITS, ...stripUndefined(limits ?? {}) };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ShandianError('E_BAD_ARGS', `query limit ${key} must be a positive integer, got ${String(value)}`, {}, 'pass a whole number >= 1 or leave it out for the default');
    }
  }
  return resolved;
}

function stripUndefined(limits: Partial<ParseLimits>): Partial<ParseLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}
