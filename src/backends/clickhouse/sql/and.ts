import type { AndPlan } from '../../../plan/plan-node.js';
import { join } from './any-of.js';
import type { ElementSql } from './sql-context.js';

/** `<and>`: every child's predicate holds. */
export const andSql: ElementSql<AndPlan> = (n, ctx) => join(n.children.map((c) => ctx.predicate(c)), 'AND');
