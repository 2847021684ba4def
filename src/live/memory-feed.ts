import { changeCount, type FeedFrame } from './feed-frame.js';

/** What the live segments need of a feed: FeedLog on disk, MemoryFeed for an in-memory engine. */
export interface Feed {
  readonly nextSeq: number;
  /** bytes written since open */
  readonly written: number;
  append(frame: FeedFrame): Promise<void>;
  framesAfter(after: number): Iterable<FeedFrame>;
  nextWrite(): Promise<void>;
  close(): void;
}

/** The feed of an engine without a directory: frames in memory, gone with the engine. */
export class MemoryFeed implements Feed {
  nextSeq = 1;
  written = 0;
  private readonly frames: FeedFrame[] = [];
  private wake: { promise: Promise<void>; resolve: () => void } | undefined;

  async append(frame: FeedFrame): Promise<void> {
    this.frames.push(frame);
    this.nextSeq += changeCount(frame);
    const wake = this.wake;
    this.wake = undefined;
    wake?.resolve();
  }

  *framesAfter(after: number): Generator<FeedFrame> {
    for (const f of this.frames) if (f.seq + changeCount(f) - 1 > after) yield f;
  }

  nextWrite(): Promise<void> {
    if (!this.wake) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.wake = { promise, resolve };
    }
    return this.wake.promise;
  }

  close(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.resolve();
  }
}
