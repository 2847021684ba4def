/**
 * (value, customer) pairs, possibly repeated, and the number of distinct
 * customers per value: a counting sort by value, then one pass per value's
 * group with a stamp per customer. For dimensions with too many values for a
 * bit per (customer, value) (SKUs).
 */
export class DistinctPairs {
  private value = new Uint32Array(1024);
  private customer = new Uint32Array(1024);
  private length = 0;

  constructor(private readonly values: number) {}

  add(v: number, c: number): void {
    if (this.length === this.value.length) {
      const size = this.length * 2;
      const value = new Uint32Array(size), customer = new Uint32Array(size);
      value.set(this.value);
      customer.set(this.customer);
      this.value = value;
      this.customer = customer;
    }
    this.value[this.length] = v;
    this.customer[this.length++] = c;
  }

  /** Adds each value's number of distinct customers (ids < customerCount) into `into[value]`. */
  addDistinctCounts(customerCount: number, into: Float64Array): void {
    const n = this.length, value = this.value, customer = this.customer;
    const start = new Uint32Array(this.values + 1);
    for (let i = 0; i < n; i++) start[value[i]! + 1]!++;
    for (let v = 0; v < this.values; v++) start[v + 1]! += start[v]!;
    const next = start.slice(0, this.values);
    const grouped = new Uint32Array(n);
    for (let i = 0; i < n; i++) grouped[next[value[i]!]!++] = customer[i]!;
    const stamp = new Int32Array(customerCount);
    for (let v = 0; v < this.values; v++) {
      const from = start[v]!, to = start[v + 1]!;
      if (from === to) continue;
      let distinct = 0;
      for (let k = from; k < to; k++) {
        const c = grouped[k]!;
        if (stamp[c] === v + 1) continue;
        stamp[c] = v + 1;
        distinct++;
      }
      into[v]! += distinct;
    }
  }
}
