import type { Position } from './ast/index.js';

/**
 * Maps a character index in the query text to a 1-based line and column.
 * The text has already had its line ends normalised to `\n` (as XML
 * requires), so `\n` is the only line break. Columns count UTF-16 code units
 * in every error the reader reports.
 */
export type PositionOf = (index: number) => Position;

export function positionLookup(text: string): PositionOf {
  // Line starts are computed once; each lookup is a binary search.
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);

  return (index) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - lineStarts[lo]! + 1 };
  };
}
