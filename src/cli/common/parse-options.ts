import { parseArgs, type ParseArgsConfig } from 'node:util';
import { badArgs } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with the CLI's error convention: an unknown flag or a
 * missing value is E_BAD_ARGS (exit 2), not a stack trace.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- flag values are strings or booleans by their config
export type ParsedOptions = { values: Record<string, any>; positionals: string[] };

export function parseOptions(argv: string[], options: Options, allowPositionals: boolean): ParsedOptions {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw badArgs((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** An optional integer flag in [min, max]; E_BAD_ARGS when malformed or out of range. */
export function integerOption(values: Record<string, unknown>, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw badArgs(`--${name} must be an integer ${range}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/**
 * --as-of: a date-time with offset as it is (the engine checks it), or epoch
 * milliseconds (an integer, as the contract allows for ts) as a number.
 */
export function asOfOption(values: Record<string, unknown>): string | number | undefined {
  const v = values['as-of'];
  if (typeof v !== 'string') return undefined;
  if (/^-?[0-9]+$/.test(v.trim())) {
    const n = Number(v.trim());
    if (!Number.isSafeInteger(n) || Math.abs(n) > 8.64e15) throw badArgs(`--as-of ${v}: epoch milliseconds out of range`, 'give a date-time like 2026-11-12T00:00:00+08:00 or epoch milliseconds');
    return n;
  }
  return v;
}

/** A required string flag. */
export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.length === 0) throw badArgs(`--${name} is required`);
  return v;
}
