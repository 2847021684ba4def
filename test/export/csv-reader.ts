/** A strict CSV reader for the export tests (not a test file itself). */

/** A small RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF): rows of fields, `undefined` for an unquoted empty field. */
export function parseCsv(text: string): (string | undefined)[][] {
  const rows: (string | undefined)[][] = [];
  let row: (string | undefined)[] = [];
  let i = 0;
  while (i < text.length) {
    let field: string | undefined;
    if (text[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      field = s;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\r' && text[j] !== '\n') j++;
      const raw = text.slice(i, j);
      if (raw.includes('"')) throw new Error(`bare quote in ${JSON.stringify(raw)}`);
      field = raw === '' ? undefined : raw;
      i = j;
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\n') throw new Error('a bare LF ends a row (RFC 4180 wants CRLF)');
    else if (i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} after a field`);
    rows.push(row);
    row = [];
  }
  if (row.length) throw new Error('last row has no line end');
  return rows;
}
