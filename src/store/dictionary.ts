/** Dictionary encoding: external strings <-> dense ids 0..size-1, in first-seen order. */
export class Dictionary {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

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
