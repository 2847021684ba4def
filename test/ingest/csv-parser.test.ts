import { describe, expect, it } from 'vitest';
import { CsvParser, CsvRowTooLong } from '../../src/ingest/csv-parser.js';

type Row = [fields: string[], line: number, error?: string];

/** Parses `text` fed in pieces of `size` characters (every split point matters). */
function parse(text: string, size = text.length || 1): Row[] {
  const rows: Row[] = [];
  const p = new CsvParser((fields, line, error) => rows.push(error === undefined ? [fields, line] : [fields, line, error]));
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  p.end();
  return rows;
}

/** Same rows however the text is cut into chunks. */
function parseAllWays(text: string): Row[] {
  const whole = parse(text);
  for (let size = 1; size <= Math.min(text.length, 12); size++) expect(parse(text, size), `chunk size ${size}`).toEqual(whole);
  return whole;
}

describe('CsvParser', () => {
  it('splits plain rows on LF, CRLF and lone CR', () => {
    expect(parseAllWays('a,b\n1,2\r\n3,4\r5,6')).toEqual([
      [['a', 'b'], 1],
      [['1', '2'], 2],
      [['3', '4'], 3],
      [['5', '6'], 4],
    ]);
  });

  it('ends without a trailing newline or with one', () => {
    expect(parseAllWays('a\n')).toEqual([[['a'], 1]]);
    expect(parseAllWays('a')).toEqual([[['a'], 1]]);
    expect(parseAllWays('a\r\n')).toEqual([[['a'], 1]]);
  });

  it('keeps empty fields, leading and trailing', () => {
    expect(parseAllWays(',a,,b,\n,\n')).toEqual([
      [['', 'a', '', 'b', ''], 1],
      [['', ''], 2],
    ]);
    expect(parseAllWays('a,')).toEqual([[['a', ''], 1]]);
  });

  it('skips blank lines but counts them', () => {
    expect(parseAllWays('\n\na\n\r\n\nb\n\n')).toEqual([
      [['a'], 3],
      [['b'], 6],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and newlines', () => {
    const text = 'x,"a,b","say ""hi""",""\n"line1\nline2\r\nline3",y\n"""",z\n';
    expect(parseAllWays(text)).toEqual([
      [['x', 'a,b', 'say "hi"', ''], 1],
      [['line1\nline2\r\nline3', 'y'], 2],
      [['"', 'z'], 5],
    ]);
  });

  it('a quoted empty line is a row of one empty field', () => {
    expect(parseAllWays('""\na')).toEqual([
      [[''], 1],
      [['a'], 2],
    ]);
  });

  it('keeps unicode, spaces and tabs as written', () => {
    expect(parseAllWays(' 厦门 , "🏬 x" ,\t\n')).toEqual([[[' 厦门 ', ' "🏬 x" ', '\t'], 1, expect.stringMatching(/quote inside an unquoted field/)]]);
    expect(parseAllWays('厦门,"🏬,店"\n')).toEqual([[['厦门', '🏬,店'], 1]]);
  });

  it('flags a quote inside an unquoted field', () => {
    expect(parse('a,b"c,d\nok\n')).toEqual([
      [['a', 'b"c', 'd'], 1, 'a quote inside an unquoted field (quote the whole field and double the quotes inside)'],
      [['ok'], 2],
    ]);
  });

  it('flags text after a closing quote', () => {
    expect(parse('"a"b,c\nok\n')).toEqual([
      [['ab', 'c'], 1, 'text after the closing quote of a field (quote the whole field)'],
      [['ok'], 2],
    ]);
  });

  it('flags a quote left open at the end of the file', () => {
    expect(parse('a\n"b,c\nd\n')).toEqual([
      [['a'], 1],
      [['b,c\nd\n'], 2, 'the file ends inside a quoted field (a quote is not closed)'],
    ]);
  });

  it('throws for a row over the size limit', () => {
    const p = new CsvParser(() => {}, 100);
    p.push('ok\n"');
    expect(() => {
      for (let i = 0; i < 20; i++) p.push('x'.repeat(10));
    }).toThrow(CsvRowTooLong);
  });
});
