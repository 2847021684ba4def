/**
 * Who places an order: a power law over customers. Activity ranks follow a
 * Zipf-Mandelbrot-like density (x + q)^-1.6 with q = 2% of the customers, which
 * gives roughly 80/20 ("top 20% of customers place ~85% of orders"), a median
 * of ~2 orders a year, a quarter of customers dormant, and a top customer with
 * a few hundred orders however large the data set (q scales with n).
 * Ranks map to customer indices through a seeded affine permutation.
 */
import { AffinePermutation } from './permutation.js';
import type { Sfc32 } from './random.js';
import { PowerLawSampler } from './sampling.js';

const ACTIVITY_EXPONENT = 1.6;
const HEAD_FLATTENING = 0.02;

export class CustomerActivity {
  readonly customers: number;
  private readonly ranks: PowerLawSampler;
  private readonly perm: AffinePermutation;

  constructor(customers: number, salt: number) {
    this.customers = customers;
    this.ranks = new PowerLawSampler(customers, ACTIVITY_EXPONENT, Math.max(1, customers * HEAD_FLATTENING));
    this.perm = new AffinePermutation(customers, salt);
  }

  /** Customer index of the next order's buyer. */
  pick(rng: Sfc32): number {
    return this.perm.apply(this.ranks.sample(rng));
  }

  /** Where a customer stands in expected activity: 0 the heaviest buyer, near 1 the quietest. */
  percentile(customer: number): number {
    return this.perm.invert(customer) / this.customers;
  }
}
