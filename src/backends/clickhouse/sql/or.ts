import type { OrPlan } from '../../../plan/plan-node.js';
import { anyOf } from './any-of.js';
import type { ElementSql } from './sql-context.js';

/** `<or>`: some child's predicate holds (existence `<bought>`s and `<tag>`s merged: any-of.ts). */
export const orSql: ElementSql<OrPlan> = (n, ctx) => anyOf(n.children, ctx);
