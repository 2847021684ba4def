import type { ConditionNode } from './condition-node.js';
import type { Position } from './position.js';

/** The root `<segment>`: its children are ANDed. */
export interface SegmentNode {
  readonly kind: 'segment';
  readonly name?: string;
  /** asOf from the attribute, epoch milliseconds */
  readonly asOfMs?: number;
  /** IANA zone from the `tz` attribute (validated) */
  readonly tz?: string;
  readonly children: readonly ConditionNode[];
  readonly pos: Position;
}
