import { ShandianError } from '../model/errors.js';

/**
 * RFC 4180 parser over text that arrives in arbitrary chunks (a quoted field
 * may span chunks and lines). Each row is handed over with the physical line
 * it starts on, and the reason it is malformed if it is.
 *
 * - fields are separated by `,`; rows end with LF, CRLF or a lone CR;
 * - a field starting with `"` is quoted: it runs to the next lone `"`, and
 *   `""` inside it is one quote; commas, CR and LF inside are data;
 * - blank lines are skipped (a row of one empty field cannot be told apart);
 * - line numbers count LF, CRLF and lone CR as one break each, inside quoted
 *   fields too, so they match what an editor shows.
 *
 * Literal runs are copied with `slice`, not char by char: this loop is the
 * CSV ingest's hot path.
 */

export type CsvRowHandler = (fields: string[], line: number, error: string | undefined) => void;

const enum S {
  /** at the start of a field */
  Start,
  Unquoted,
  Quoted,
  /** a `"` inside a quoted field: the closing quote or the first of `""` */
  QuoteInQuoted,
}

const COMMA = 44, QUOTE = 34, CR = 13, LF = 10;

export class CsvParser {
  private state = S.Start;
  private fields: string[] = [];
  /** the part of the current field seen in earlier chunks (or before a `""`) */
  private field = '';
  private rowChars = 0;
  private rowStarted = false;
  private rowError: string | undefined;
  private line = 1;
  private rowLine = 1;
  private prevCr = false;

  /**
   * @param maxRowChars a row longer than this throws (an unclosed quote would
   *   otherwise swallow the rest of the file into one string)
   */
  constructor(
    private readonly onRow: CsvRowHandler,
    private readonly maxRowChars = 64 * 1024 * 1024,
  ) {}

  /** The physical line the parser has reached (1-based). */
  get currentLine(): number {
    return this.line;
  }

  /** Field `index` of the row in progress, if it is complete already. */
  partialField(index: number): string | undefined {
    return this.fields[index];
  }

  push(text: string): void {
    const n = text.length;
    let state = this.state;
    // start of the literal run in `text` that belongs to the current field
    let run = state === S.Unquoted || state === S.Quoted ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const afterCr = this.prevCr;
      this.prevCr = c === CR;
      switch (state) {
        case S.Start:
          if (c === QUOTE) {
            state = S.Quoted;
            run = i + 1;
            this.rowStarted = true;
          } else if (c === COMMA) {
            this.endField('');
          } else if (c === CR || c === LF) {
            if (this.rowStarted) this.endField(''); // after a trailing comma: one more, empty field
            this.lineBreak(c, afterCr, true);
          } else {
            state = S.Unquoted;
            run = i;
            this.rowStarted = true;
          }
          break;
        case S.Unquoted:
          if (c === COMMA) {
            this.endField(text.slice(run, i));
            state = S.Start;
            run = -1;
          } else if (c === CR || c === LF) {
            this.endField(text.slice(run, i));
            run = -1;
            state = S.Start;
            this.lineBreak(c, afterCr, true);
          } else if (c === QUOTE) {
            this.rowError ??= 'a quote inside an unquoted field (quote the whole field and double the quotes inside)';
          }
          break;
        case S.Quoted:
          if (c === QUOTE) {
            this.append(text.slice(run, i));
            state = S.QuoteInQuoted;
            run = -1;
          } else if (c === CR || c === LF) {
            this.lineBreak(c, afterCr, false);
          }
          break;
        case S.QuoteInQuoted:
          if (c === QUOTE) {
            // "" is one literal quote; the run goes on after it
            state = S.Quoted;
            run = i;
          } else if (c === COMMA) {
            this.endField('');
            state = S.Start;
          } else if (c === CR || c === LF) {
            this.endField('');
            state = S.Start;
            this.lineBreak(c, afterCr, true);
          } else {
            this.rowError ??= 'text after the closing quote of a field (quote the whole field)';
            state = S.Unquoted;
            run = i;
          }
          break;
      }
    }
    if (run >= 0 && run < n) this.append(text.slice(run));
    this.state = state;
  }

  /** Flushes the last row. */
  end(): void {
    if (this.state === S.Quoted) this.rowError ??= 'the file ends inside a quoted field (a quote is not closed)';
    if (this.state !== S.Start || this.rowStarted) this.endField('');
    this.finishRow();
    this.state = S.Start;
  }

  private append(s: string): void {
    this.field += s;
    this.rowChars += s.length;
    if (this.rowChars > this.maxRowChars) {
      throw new CsvRowTooLong(this.rowLine, this.maxRowChars);
    }
  }

  private endField(tail: string): void {
    const value = this.field.length ? this.field + tail : tail;
    this.rowChars += tail.length;
    this.fields.push(value);
    this.field = '';
    this.rowStarted = true;
  }

  /** A CR or LF seen outside or inside quotes; `endsRow` when outside. */
  private lineBreak(c: number, afterCr: boolean, endsRow: boolean): void {
    if (c === LF && afterCr) return; // the LF of a CRLF: the CR already did the work
    if (endsRow) this.finishRow();
    this.line++;
    if (endsRow) this.rowLine = this.line;
  }

  private finishRow(): void {
    if (this.rowStarted) this.onRow(this.fields, this.rowLine, this.rowError);
    this.fields = [];
    this.field = '';
    this.rowChars = 0;
    this.rowStarted = false;
    this.rowError = undefined;
  }
}

/** Thrown by `push` for a row over the size limit (E_BAD_RECORD); the reader locates it in its file. */
export class CsvRowTooLong extends ShandianError {
  constructor(
    readonly line: number,
    readonly max: number,
  ) {
    super('E_BAD_RECORD', `a CSV row starting at line ${line} is longer than ${max} characters`, { line }, 'is a quote left open?');
  }
}
