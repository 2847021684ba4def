/** Dictionary encoding: external strings <-> dense ids 0..size-1, in first-seen order. */
export class Dictionary {
  /** built lazily: a store opened from a snapshot only for queries never needs it */
  private idMap: Map<string, number> | undefined = new Map();
  private values: string[] = [];

  /** A dictionary holding `values` with ids 0..n-1 (loading a snapshot). */
  static fromValues(values: string[]): Dictionary {
    const d = new Dictionary();
    d.values = values;
    d.idMap = undefined;
    return d;
  }

  /** All values in id order (shared, do not modify). */
  get all(): readonly string[] {
    return this.values;
  }

  private get ids(): Map<string, number> {
    if (!this.idMap) {
      this.idMap = new Map();
      for (let i = 0; i < this.values.length; i++) this.idMap.set(this.values[i]!, i);
    }
    return this.idMap;
  }

  /** Frees the value -> id map (rebuilt on the next intern or lookup): a bulk build that is done interning. */
  dropLookup(): void {
    this.idMap = undefined;
  }

  get size(): number {
    return this.values.length;
  }

  /** The id of `value`, assigning the next dense id when new. */
  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  /** The id of `value`, or undefined if never seen (lookups never grow the dictionary). */
  lookup(value: string): number | undefined {
    return this.ids.get(value);
  }

  value(id: number): string {
    const v = this.values[id];
    if (v === undefined) throw new RangeError(`dictionary id ${id} out of range (size ${this.values.length})`);
    return v;
  }
}
