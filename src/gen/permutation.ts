/**
 * A table-free bijection on [0, n): i -> (a*i + b) mod n with gcd(a, n) = 1.
 *
 * The generator draws activity *ranks* from a power law and maps them to
 * customer indices through this, so the heaviest buyers are scattered over
 * the id space instead of being c0000001, c0000002, ... It needs O(1) memory,
 * which matters at tens of millions of customers.
 */

/** (x * y) mod m without leaving the 2^53 exact-integer range (x, y < m < 2^32). */
function mulMod(x: number, y: number, m: number): number {
  if (m <= 67108864) return (x * y) % m; // both < 2^26: the product is exact
  const yHi = Math.floor(y / 65536), yLo = y % 65536;
  return ((((x * yHi) % m) * 65536) % m + ((x * yLo) % m)) % m;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modular inverse of a mod m (extended Euclid), for gcd(a, m) = 1. */
function modInverse(a: number, m: number): number {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

export class AffinePermutation {
  readonly n: number;
  private readonly a: number;
  private readonly b: number;
  private readonly aInv: number;

  /** `salt` picks a different permutation for the same n (from the seed). */
  constructor(n: number, salt: number) {
    if (!(n >= 1) || n >= 2 ** 32) throw new RangeError(`permutation size out of range: ${n}`);
    this.n = n;
    // a near n / golden ratio spreads neighbours far apart; step to a coprime
    let a = Math.max(1, Math.floor(n * 0.6180339887498949) + (salt % 97));
    a %= n;
    if (a === 0) a = 1;
    while (gcd(a, n) !== 1) a = (a + 1) % n || 1;
    this.a = a;
    this.b = salt % n;
    this.aInv = n === 1 ? 0 : modInverse(a, n);
  }

  apply(i: number): number {
    const n = this.n;
    if (n <= 67108864) {
      // hot path: a*i + b < 2^53 is exact; floor-division beats `%` on doubles
      const v = this.a * i + this.b;
      let r = v - Math.floor(v / n) * n;
      if (r < 0) r += n;
      else if (r >= n) r -= n;
      return r | 0; // small integer: no heap number when returned
    }
    return (mulMod(this.a, i, n) + this.b) % n;
  }

  invert(j: number): number {
    return mulMod(this.aInv, (j - this.b + this.n) % this.n, this.n);
  }
}
