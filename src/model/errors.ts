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
  'E_CLUSTER_UNAVAILABLE', // a ClickHouse node of --clickhouse cannot be reached (never a partial answer)
  'E_CLUSTER_ERROR', // a ClickHouse server refused or failed a statement (its code and text in the message)
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

/** The usual hint of a store file damaged outside shandian. */
export const RESTORE_FROM_BACKUP = 'the store was damaged outside shandian; restore it from a backup (shandian verify --data DIR checks every file)';

/** The hint of an invariant violation. */
const REPORT_BUG = 'this is a bug in shandian, not a problem with your input or your disk: please report this message';

/**
 * The one error factory: every error shandian throws outside src/gen is a
 * ShandianError made here (or by `new ShandianError` with a code of the lists
 * above). Never a bare Error, RangeError or TypeError: those would reach a
 * user as an uncoded E_INTERNAL with a stack.
 */
export const fail = {
  /** A store file that does not read back as it was written: E_CORRUPT, with `where` and what to do. */
  corrupt(reason: string, where: ErrorLocation = {}, hint?: string): ShandianError {
    return new ShandianError('E_CORRUPT', reason, where, hint);
  },

  /** A store file damaged outside shandian, named: E_CORRUPT with the hint to restore it from a backup. */
  corruptFile(file: string, reason: string): ShandianError {
    return new ShandianError('E_CORRUPT', reason, { file }, RESTORE_FROM_BACKUP);
  },

  /** A bad argument or option of the caller: E_BAD_ARGS. */
  badArgs(reason: string, where: ErrorLocation = {}, hint?: string): ShandianError {
    return new ShandianError('E_BAD_ARGS', reason, where, hint);
  },

  /**
   * A broken invariant (a state no input should reach): E_INTERNAL, saying
   * it is a bug in shandian, and asking for a report.
   */
  internal(reason: string, where: ErrorLocation = {}): ShandianError {
    return new ShandianError('E_INTERNAL', `invariant broken: ${reason}`, where, REPORT_BUG);
  },

  /**
   * A size shandian cannot hold (over a typed array's or a buffer's limit):
   * E_INTERNAL, not the disk's fault nor a bug; `hint` says how to stay under it.
   */
  limit(reason: string, hint: string, where: ErrorLocation = {}): ShandianError {
    return new ShandianError('E_INTERNAL', reason, where, hint);
  },

  /**
   * An input file (records, a query file) that cannot be read, naming it: a
   * missing path or a directory is a bad argument (exit 2), anything else E_IO.
   */
  inputFile(file: string, e: unknown): ShandianError {
    if (e instanceof ShandianError) return e;
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'ENOENT') return new ShandianError('E_BAD_ARGS', 'no such file', { file });
    if (err?.code === 'EISDIR') return new ShandianError('E_BAD_ARGS', 'is a directory, not a file', { file });
    return new ShandianError('E_IO', `cannot read: ${err?.message ?? String(e)}`, { file });
  },

  /**
   * A failure of store-file I/O as a ShandianError that keeps its real cause
   * (`cause`, and its message and errno code in the text) and whose hint fits
   * it: ENOSPC asks for disk space, EACCES for permissions, and an error that
   * is no errno at all (a RangeError, a TypeError) is E_INTERNAL, a bug in
   * shandian, never blamed on the disk. `what` says what was being done
   * ("writing a snapshot failed"); `consequence` what state that left
   * ("nothing was lost: ...").
   */
  io(e: unknown, what: string, where: ErrorLocation, consequence: string): ShandianError {
    if (e instanceof ShandianError) return e;
    const err = e as NodeJS.ErrnoException | undefined;
    const message = err instanceof Error ? err.message : String(e);
    const code = err && typeof err.code === 'string' ? err.code : undefined;
    let out: ShandianError;
    if (code === undefined || !/^E[A-Z0-9]+$/.test(code) || code.startsWith('ERR_')) {
      const kind = err instanceof Error ? err.name : typeof e;
      out = new ShandianError('E_INTERNAL', `${what}: ${kind}: ${message}${code ? ` [${code}]` : ''} (an internal error in shandian, not a disk problem)`, where,
        `${consequence}; please report this message (it is a bug, retrying will fail the same way)`);
    } else {
      out = new ShandianError('E_IO', `${what}: ${message.startsWith(code) ? message : `${code}: ${message}`}`, where, `${consequence}; ${errnoHint(code)}`);
    }
    Object.defineProperty(out, 'cause', { value: e, enumerable: false, writable: true, configurable: true });
    return out;
  },

  /**
   * An errno-shaped system error (`code`, `syscall`), like the ones Node's fs
   * throws, for a failure shandian detects itself in a system call's result
   * (a write that moved no bytes). It is no user-facing error: `fail.io`
   * (and the CLI) turn it into E_IO with the errno's hint, as they do Node's.
   */
  errno(code: string, syscall: string, message: string): NodeJS.ErrnoException {
    // the one deliberate plain Error outside src/gen: it stands for an OS failure and is mapped like one (see above)
    return Object.assign(new Error(message), { code, syscall });
  },
};

function errnoHint(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk (or your quota) is full: free disk space and retry';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: check the owner and permissions of the store directory and its files';
    case 'EROFS':
      return 'the filesystem is read-only: remount it read-write or use a store on a writable disk';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files: raise the open-file limit (ulimit -n) and retry';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'a file or directory of the store disappeared: was it moved or removed while shandian ran?';
    case 'EFBIG':
      return 'the file is larger than this filesystem allows: use a store on another filesystem, or more shards';
    case 'EIO':
      return 'the device reported an I/O error: check the disk (dmesg, SMART) and retry';
    default:
      return `the operating system refused it (${code}): check the disk and the store directory and retry`;
  }
}
