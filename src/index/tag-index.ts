import { Bitmap } from './bitmap.js';

/** One bitmap of customers per tag id; add/remove are idempotent. */
export class TagIndex {
  private readonly bitmaps: (Bitmap | undefined)[] = [];
  private static readonly EMPTY = new Bitmap();

  add(tagId: number, customer: number): void {
    let b = this.bitmaps[tagId];
    if (!b) this.bitmaps[tagId] = b = new Bitmap();
    b.add(customer);
  }

  remove(tagId: number, customer: number): void {
    this.bitmaps[tagId]?.remove(customer);
  }

  /** Holders of the tag. The returned bitmap must not be mutated. */
  holders(tagId: number | undefined): Bitmap {
    return (tagId === undefined ? undefined : this.bitmaps[tagId]) ?? TagIndex.EMPTY;
  }

  /** Every tag id with its holders (snapshot). */
  *entries(): IterableIterator<[number, Bitmap]> {
    for (let id = 0; id < this.bitmaps.length; id++) {
      const b = this.bitmaps[id];
      if (b && !b.isEmpty) yield [id, b];
    }
  }

  /** Installs a loaded bitmap (snapshot). */
  set(tagId: number, bitmap: Bitmap): void {
    this.bitmaps[tagId] = bitmap;
  }

}
