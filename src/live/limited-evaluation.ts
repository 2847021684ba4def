import { ShardEvaluation, type Candidates } from '../language/evaluate.js';
import { Bitmap } from '../index/bitmap.js';
import type { PlanNode } from '../plan/plan-node.js';
import type { Catalog } from '../store/catalog.js';
import type { Shard } from '../store/shard.js';

/**
 * A plan on one shard, answered only for `touched` customers (those an
 * append changed): the universe is `touched` and every `<bought>` scan is
 * limited to them (as the semi-join pushdown limits scans to candidates).
 * Each node's result is then exact for every touched customer, so the
 * result intersected with `touched` is the plan's answer for them. Only for
 * per-customer elements (time-dependence.ts says which); `<score>` ranks the
 * whole population and is evaluated in full.
 */
export class LimitedEvaluation extends ShardEvaluation {
  private readonly bits: Int32Array;
  private readonly limited = new Map<PlanNode, Candidates>();

  constructor(plan: PlanNode, shard: Shard, catalog: Catalog, private readonly touched: Bitmap) {
    super(plan, shard, catalog);
    const bits = new Int32Array((shard.customerCount + 31) >>> 5);
    for (const c of touched.toUint32Array()) bits[c >>> 5]! |= 1 << (c & 31);
    this.bits = bits;
  }

  override universe(): Bitmap {
    return this.touched;
  }

  override candidates(node: PlanNode): Candidates {
    if (this.limited.has(node)) return this.limited.get(node);
    const own = super.candidates(node);
    let result: Candidates;
    if (own === 'none') result = 'none';
    else if (own === undefined) result = this.bits;
    else {
      const and = new Int32Array(this.bits.length);
      for (let i = 0; i < and.length; i++) and[i] = this.bits[i]! & (own[i] ?? 0);
      result = and;
    }
    this.limited.set(node, result);
    return result;
  }

  /** The plan's members among the touched customers. */
  answer(): Bitmap {
    return Bitmap.and(this.run(), this.touched);
  }
}
