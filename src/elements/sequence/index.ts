import type { NodeStats } from '../../exec/node-stats.js';
import { prepareSequence, runSequence } from '../../exec/sequence-task.js';
import { Bitmap } from '../../index/bitmap.js';
import { describeFilters } from '../../plan/dimension-filters.js';
import type { DimensionFilters } from '../../model/order-dimensions.js';
import { leaf, type ElementDefinition, type PlanNodeDefinition } from '../definition.js';
import { lowerSequence } from './lower.js';
import type { SequencePlan } from './plan.js';
import { readSequence } from './read.js';

export type { SequenceNode, SequenceStepNode } from './node.js';
export type { SequencePlan } from './plan.js';

const NONE: readonly never[] = [];

/**
 * `<sequence>`: A, then B, within a time (contract 7.4; the exact rule and
 * the kernel are in exec/sequence-task.ts, which the worker pool runs too),
 * from the steps' time-ordered postings, limited to the candidates of its
 * `<and>` siblings. Here, on the calling thread, the query may pause every
 * TUNING.SEQUENCE_SCAN_STEP rows of its walks. Its tasks are made when the
 * query runs, so it sees every acknowledged append and refund.
 */
export const sequence = {
  read: readSequence,
  children: () => NONE,
  lower: (n, ctx) => leaf(lowerSequence(n, ctx)),
} satisfies ElementDefinition<'sequence'>;

export const sequencePlan = {
  children: () => NONE,
  *compute(n, ctx) {
    const done = ctx.precomputed(n);
    if (done) return done;
    const candidates = ctx.candidates(n);
    if (candidates === 'none') return new Bitmap();
    const task = prepareSequence(n, ctx.shard, ctx.catalog, candidates);
    return task === undefined ? new Bitmap() : yield* runSequence(task);
  },
  explain: explainSequence,
  bounds: 'takes',
} satisfies PlanNodeDefinition<'sequence'>;

/** `step 1 sku in [phone-x], then step 2 category in [phone-case], within 2592000 s, steps at ts in [..]; no ... after the last step until step 1 + within (<= asOf)` */
export function explainSequence(n: SequencePlan, s?: NodeStats): string {
  const words = (f: DimensionFilters) => {
    const parts = describeFilters(f);
    return parts.length ? parts.join(', ') : 'any order';
  };
  const from = Number.isFinite(n.lo) ? new Date(n.lo * 1000).toISOString() : '-inf';
  const steps = n.steps.map((f, i) => `step ${i + 1} ${words(f)}`).join(', then ');
  const absent = n.absent === undefined ? '' : `; then no ${words(n.absent)} after the last step until step 1 + within, which has passed by ${new Date(n.asOf * 1000).toISOString()}`;
  const scanned = s?.candidates === undefined ? '' : `; scanned for ${s.candidates} candidates (its and-siblings)`;
  return `${steps} (strictly later seconds), within ${n.withinSeconds} s of step 1, steps at ts in [${from}, ${new Date(n.hi * 1000).toISOString()}]${absent}${scanned}`;
}
