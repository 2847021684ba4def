/**
 * Every failure shandian reports carries a stable `code`, where it happened and
 * what to do about it. Codes are part of the public contract: never rename one.
 */

/** Codes for bad queries, bad arguments and bad input records: CLI exit code 2. */
export const USER_ERROR_CODES = [
  // XML text
  'E_XML_SYNTAX', // not well-formed XML
  'E_XML_DOCTYPE', // DOCTYPE or ENTITY declaration (refused: entity bombs, external entities)
  'E_XML_TOO_LARGE', // over the configured size limit
  'E_XML_TOO_DEEP', // over the configured nesting depth limit
  // query structure
  'E_UNKNOWN_ELEMENT',
  'E_UNKNOWN_ATTRIBUTE',
  'E_MISSING_ATTRIBUTE',
  'E_CHILD_COUNT', // wrong number of children (empty and/or/segment, not with != 1 child)
  'E_CONFLICT', // attribute and child elements of the same filter, last with from/to; deleting a saved segment others refer to
  'E_BAD_NUMBER', // malformed or out-of-range number, amount with 3+ decimals, minCount=0
  'E_BAD_DATE', // malformed date or date-time, from after to
  'E_BAD_DURATION', // malformed `last`
  'E_BAD_TZ', // unknown IANA zone
  'E_BAD_VALUE', // any other malformed attribute value (exists="maybe")
  'E_UNKNOWN_SEGMENT', // ref to a segment that was never saved
  'E_REF_CYCLE', // ref cycle among saved segments
  // input records and arguments
  'E_BAD_RECORD',
  'E_BAD_ARGS',
] as const;

/** Codes for failures that are not the caller's input: CLI exit code 1. */
export const SYSTEM_ERROR_CODES = [
  'E_IO',
  'E_CORRUPT',
  'E_LOCKED',
  'E_CLOSED',
  'E_TIMEOUT',
  'E_OVERLOADED',
  'E_INTERNAL',
] as const;

export type UserErrorCode = (typeof USER_ERROR_CODES)[number];
export type SystemErrorCode = (typeof SYSTEM_ERROR_CODES)[number];
export type ErrorCode = UserErrorCode | SystemErrorCode;

/** Where an error happened: a file position, a query position, or both. */
export interface ErrorLocation {
  file?: string;
  /** 1-based line (file line, CSV row, or XML line) */
  line?: number;
  /** 1-based column in XML text */
  column?: number;
  /** byte offset in a store file */
  offset?: number;
}

export class ShandianError extends Error {
  override readonly name = 'ShandianError';
  readonly code: ErrorCode;
  /** The message without code, location and hint. */
  readonly reason: string;
  readonly where: ErrorLocation;
  /** What the user can do about it. */
  readonly hint?: string;

  constructor(code: ErrorCode, reason: string, where: ErrorLocation = {}, hint?: string) {
    const loc = formatLocation(where);
    super(`${code}: ${loc ? loc + ': ' : ''}${reason}${hint ? ` (${hint})` : ''}`);
    this.code = code;
    this.reason = reason;
    this.where = where;
    this.hint = hint;
  }

  /** Same error, located further (used when a record error bubbles up to ingest). */
  at(where: ErrorLocation): ShandianError {
    return new ShandianError(this.code, this.reason, { ...this.where, ...where }, this.hint);
  }

  get isUserError(): boolean {
    return (USER_ERROR_CODES as readonly string[]).includes(this.code);
  }
}

export function formatLocation(where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.file !== undefined) {
    let s = where.file;
    if (where.line !== undefined) s += `:${where.line}`;
    if (where.column !== undefined) s += `:${where.column}`;
    parts.push(s);
  } else if (where.line !== undefined) {
    parts.push(where.column !== undefined ? `line ${where.line}, column ${where.column}` : `line ${where.line}`);
  }
  if (where.offset !== undefined) parts.push(`offset ${where.offset}`);
  return parts.join(' ');
}

export function isShandianError(e: unknown): e is ShandianError {
  return e instanceof ShandianError;
}
