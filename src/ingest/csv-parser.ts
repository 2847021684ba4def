/**
 * RFC 4180 parser that takes text in arbitrary chunks (a quoted field may
 * span chunks and lines). Emits each record with the physical line it starts
 * on. Accepts LF or CRLF; doubled quotes inside quoted fields.
 */
export class CsvParser {
  private field = '';
  private row: string[] = [];
  private inQuotes = false;
  /** just saw a quote inside a quoted field: either "" or the closing quote */
  private quotePending = false;
  private afterCr = false;
  /** the field was quoted (so an empty quoted field still counts) */
  private fieldQuoted = false;
  private line = 1;
  private rowLine = 1;
  private rowHasContent = false;

  /** why the row in progress is malformed, if it is */
  private rowError: string | undefined;

  constructor(private readonly onRow: (fields: string[], line: number, error?: string) => void) {}

  private onError(reason: string): void {
    this.rowError ??= reason;
  }

  push(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === 34) {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // that quote closed the field; handle ch below
        } else if (ch === 34) {
          this.quotePending = true;
          continue;
        } else {
          if (ch === 10) this.line++;
          this.field += text[i];
          continue;
        }
      }
      if (this.afterCr) {
        this.afterCr = false;
        if (ch === 10) continue; // CRLF already ended the row
      }
      switch (ch) {
        case 44: // ,
          this.endField();
          break;
        case 13: // \r
          this.endRow();
          this.line++;
          this.afterCr = true;
          break;
        case 10: // \n
          this.endRow();
          this.line++;
          break;
        case 34: // "
          if (this.field.length === 0 && !this.fieldQuoted) {
            this.inQuotes = true;
            this.fieldQuoted = true;
            this.rowHasContent = true;
          } else {
            this.onError('a quote inside an unquoted field (quote the whole field and double inner quotes)');
            this.field += '"';
          }
          break;
        default:
          if (this.fieldQuoted) {
            this.onError('text after a closing quote (quote the whole field)');
            this.fieldQuoted = false;
          }
          this.field += text[i];
          this.rowHasContent = true;
      }
    }
  }

  end(): void {
    if (this.inQuotes && !this.quotePending) this.onError('the file ends inside a quoted field');
    this.inQuotes = false;
    this.quotePending = false;
    this.endRow();
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
    this.fieldQuoted = false;
    this.rowHasContent = true;
  }

  private endRow(): void {
    if (this.rowHasContent || this.field.length > 0) {
      this.row.push(this.field);
      this.onRow(this.row, this.rowLine, this.rowError);
    }
    this.rowError = undefined;
    this.row = [];
    this.field = '';
    this.fieldQuoted = false;
    this.rowHasContent = false;
    this.rowLine = this.line + 1;
  }
}
