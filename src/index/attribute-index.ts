import { Bitmap } from './bitmap.js';
import { parseNumericLiteral } from '../model/numeric-literal.js';
import type { AttrValue } from '../model/records.js';


export interface NumericRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/**
 * One customer attribute within a shard: the current value per customer, and
 * bitmaps by value so that equality is a lookup and ranges are an OR over the
 * distinct numeric values that fall inside (attributes like age or level have
 * few distinct values).
 */
export class AttributeIndex {
  private readonly current = new Map<number, AttrValue>();
  private readonly holders = new Bitmap();
  private readonly byString = new Map<string, Bitmap>();
  private readonly byNumber = new Map<number, Bitmap>();

  set(customer: number, value: AttrValue | null): void {
    const old = this.current.get(customer);
    if (old !== undefined) this.bucket(old, false)?.remove(customer);
    if (value === null) {
      this.current.delete(customer);
      this.holders.remove(customer);
      return;
    }
    this.current.set(customer, value);
    this.holders.add(customer);
    this.bucket(value, true)!.add(customer);
  }

  private bucket(value: AttrValue, create: boolean): Bitmap | undefined {
    const map = (typeof value === 'number' ? this.byNumber : this.byString) as Map<AttrValue, Bitmap>;
    let b = map.get(value);
    if (!b && create) map.set(value, (b = new Bitmap()));
    return b;
  }

  /** Customers holding the attribute at all. */
  exists(): Bitmap {
    return this.holders;
  }

  /** Strings compare to strings; a numeric literal also matches the equal number. */
  equals(values: readonly string[]): Bitmap {
    const parts: Bitmap[] = [];
    for (const v of values) {
      const s = this.byString.get(v);
      if (s) parts.push(s);
      const number = parseNumericLiteral(v);
      if (number !== undefined) {
        const n = this.byNumber.get(number);
        if (n) parts.push(n);
      }
    }
    return Bitmap.orMany(parts);
  }

  range(r: NumericRange): Bitmap {
    const parts: Bitmap[] = [];
    for (const [value, bitmap] of this.byNumber) {
      if (r.gt !== undefined && !(value > r.gt)) continue;
      if (r.gte !== undefined && !(value >= r.gte)) continue;
      if (r.lt !== undefined && !(value < r.lt)) continue;
      if (r.lte !== undefined && !(value <= r.lte)) continue;
      parts.push(bitmap);
    }
    return Bitmap.orMany(parts);
  }

  /** Every (customer, value) pair (snapshot). */
  entries(): IterableIterator<[number, AttrValue]> {
    return this.current.entries();
  }


}
