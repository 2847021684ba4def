import type { EmptyPlan } from '../../../plan/plan-node.js';
import type { ElementSql } from './sql-context.js';

/** Nobody (an empty window, an impossible threshold): a constant false (18.16 has no `false` literal). */
export const emptySql: ElementSql<EmptyPlan> = () => '0';
