import { Bitmap } from './bitmap.js';
import { parseNumericLiteral } from '../model/numeric-literal.js';
import { fail } from '../model/errors.js';
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
  /**
   * The current value per customer as an index into `values` (-1: none):
   * 4 bytes a customer instead of a map entry, since attributes like city or
   * level repeat a few values over millions of customers.
   */
  private valueOf: Int32Array = new Int32Array(0);
  /** distinct values ever set, by value index; strings and numbers apart ("5" is not 5) */
  private readonly values: AttrValue[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly numberIndex = new Map<number, number>();
  private readonly holders = new Bitmap();
  private readonly byString = new Map<string, Bitmap>();
  private readonly byNumber = new Map<number, Bitmap>();

  /**
   * An index holding `pairs` (distinct customers, in any order): a snapshot
   * load. Builds each value's bitmap from its customers in one call instead
   * of one native call per customer.
   */
  static fromPairs(pairs: readonly (readonly [number, AttrValue])[]): AttributeIndex {
    const index = new AttributeIndex();
    let maxCustomer = -1;
    for (const [c] of pairs) if (c > maxCustomer) maxCustomer = c;
    index.ensureCustomer(maxCustomer);
    const members: number[][] = [];
    for (const [c, v] of pairs) {
      const i = index.valueIndex(v);
      index.valueOf[c] = i;
      (members[i] ??= []).push(c);
    }
    members.forEach((customers, i) => {
      const value = index.values[i]!;
      const bitmap = new Bitmap(Uint32Array.from(customers).sort());
      ((typeof value === 'number' ? index.byNumber : index.byString) as Map<AttrValue, Bitmap>).set(value, bitmap);
    });
    index.holders.addMany(Uint32Array.from(pairs, ([c]) => c).sort());
    return index;
  }

  /**
   * An index from its column form (a snapshot load): the value index of
   * every customer (-1: none) and the distinct values they point into.
   */
  static fromColumn(valueOf: Int32Array, values: readonly AttrValue[]): AttributeIndex {
    const index = new AttributeIndex();
    index.valueOf = valueOf;
    values.forEach((v) => index.valueIndex(v));
    if (index.values.length !== values.length) throw fail.corrupt('attribute column: repeated distinct value');
    // customers grouped by value with one counting pass, so each bitmap is built from sorted ids in one call
    const counts = new Uint32Array(values.length + 1);
    let held = 0;
    for (let c = 0; c < valueOf.length; c++) {
      const i = valueOf[c]!;
      if (i === -1) continue;
      if (i < 0 || i >= values.length) throw fail.corrupt(`attribute column: value index ${i} out of range`);
      counts[i + 1]!++;
      held++;
    }
    for (let i = 0; i < values.length; i++) counts[i + 1]! += counts[i]!;
    const grouped = new Uint32Array(held), holders = new Uint32Array(held), next = counts.slice(0, values.length);
    let h = 0;
    for (let c = 0; c < valueOf.length; c++) {
      const i = valueOf[c]!;
      if (i === -1) continue;
      grouped[next[i]!++] = c;
      holders[h++] = c;
    }
    values.forEach((value, i) => {
      const bitmap = new Bitmap(grouped.subarray(counts[i]!, counts[i + 1]!));
      ((typeof value === 'number' ? index.byNumber : index.byString) as Map<AttrValue, Bitmap>).set(value, bitmap);
    });
    index.holders.addMany(holders);
    return index;
  }

  /** The column form (see fromColumn): a view of the per-customer value indexes and the distinct values. */
  toColumn(): { valueOf: Int32Array; values: readonly AttrValue[] } {
    return { valueOf: this.valueOf, values: this.values };
  }

  set(customer: number, value: AttrValue | null): void {
    const current = customer < this.valueOf.length ? this.valueOf[customer]! : -1;
    if (current !== -1) this.bucket(this.values[current]!, false)?.remove(customer);
    if (value === null) {
      if (current !== -1) this.valueOf[customer] = -1;
      this.holders.remove(customer);
      return;
    }
    this.ensureCustomer(customer);
    this.valueOf[customer] = this.valueIndex(value);
    this.holders.add(customer);
    this.bucket(value, true)!.add(customer);
  }

  private ensureCustomer(customer: number): void {
    if (customer < this.valueOf.length) return;
    const bigger = new Int32Array(Math.max(customer + 1, this.valueOf.length * 2, 64)).fill(-1);
    bigger.set(this.valueOf);
    this.valueOf = bigger;
  }

  private valueIndex(value: AttrValue): number {
    const map = (typeof value === 'number' ? this.numberIndex : this.stringIndex) as Map<AttrValue, number>;
    let i = map.get(value);
    if (i === undefined) {
      map.set(value, (i = this.values.length));
      this.values.push(value);
    }
    return i;
  }

  private bucket(value: AttrValue, create: boolean): Bitmap | undefined {
    const map = (typeof value === 'number' ? this.byNumber : this.byString) as Map<AttrValue, Bitmap>;
    let b = map.get(value);
    if (!b && create) map.set(value, (b = new Bitmap()));
    return b;
  }

  /**
   * Which kinds of value some customer holds now (a value set once and
   * replaced since does not count): an export types a column by it.
   */
  heldKinds(): { numbers: boolean; strings: boolean } {
    const held = (map: Map<AttrValue, Bitmap>) => {
      for (const b of map.values()) if (!b.isEmpty) return true;
      return false;
    };
    return { numbers: held(this.byNumber as Map<AttrValue, Bitmap>), strings: held(this.byString as Map<AttrValue, Bitmap>) };
  }

  /** Distinct values ever set (some may no longer be held). */
  get distinctValues(): number {
    return this.values.length;
  }

  /**
   * Every distinct value with the customers holding it now (possibly none):
   * disjoint, since a customer holds one value. The bitmaps must not be mutated.
   */
  *valueBitmaps(): IterableIterator<[AttrValue, Bitmap]> {
    yield* this.byString;
    yield* this.byNumber;
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
}
