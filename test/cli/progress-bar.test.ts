import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/common/progress-bar.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns: 120, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WritableStream & { isTTY: boolean; chunks: string[] };
}

describe('ProgressBar', () => {
  it('redraws one line in place on a TTY', () => {
    const out = stream(true);
    const bar = new ProgressBar(out, 'build');
    bar.update(25, 100, 'lines');
    bar.done();
    expect(out.chunks[0]).toMatch(/^\rbuild \[#{8}-{22}\] 25\.0% 25 lines/);
    expect(out.chunks.at(-1)).toBe('\n');
  });

  it('off a TTY writes a plain line at most every plainEveryMs, and nothing once done', () => {
    const quiet = stream(false);
    new ProgressBar(quiet, 'build').update(10, 100, 'lines');
    expect(quiet.chunks).toEqual([]); // within the first 30 s: a short job leaves the log clean

    const out = stream(false);
    const bar = new ProgressBar(out, 'build', 0);
    bar.update(1_500_000, 3_000_000, 'orders');
    bar.update(3_000_000, 3_000_000, 'orders');
    bar.done();
    expect(out.chunks).toHaveLength(1);
    expect(out.chunks[0]).toMatch(/^build: 50\.0% 1,500,000 orders after \d+s eta \d+s\n$/);
  });

  it('without a known total (standard input) shows the amount so far, no percentage', () => {
    const tty = stream(true);
    new ProgressBar(tty, '(stdin)').update(3 << 20, undefined, 'bytes', '12 records');
    expect(tty.chunks[0]).toMatch(/^\r\(stdin\) 3\.0 MiB after \d+s 12 records/);
    expect(tty.chunks[0]).not.toContain('%');
    const out = stream(false);
    new ProgressBar(out, '(stdin)', 0).update(5 << 20, undefined, 'bytes');
    expect(out.chunks).toHaveLength(1); // a plain line still comes, though done >= 0
    expect(out.chunks[0]).toMatch(/^\(stdin\): 5\.0 MiB after \d+s\n$/);
  });
});
