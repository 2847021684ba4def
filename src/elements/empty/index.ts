import { Bitmap } from '../../index/bitmap.js';
import type { PlanNodeDefinition } from '../definition.js';

const NONE: readonly never[] = [];

/** Matches nobody: a plan node only (an empty window, an impossible threshold). */
export const emptyPlan = {
  children: () => NONE,
  *compute() {
    return new Bitmap();
  },
  explain: () => 'matches nobody',
} satisfies PlanNodeDefinition<'empty'>;
