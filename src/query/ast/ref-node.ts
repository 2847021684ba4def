import type { Position } from './position.js';

/** A saved segment, evaluated with the referring query's asOf and zone. */
export interface RefNode {
  readonly kind: 'ref';
  readonly segment: string;
  readonly pos: Position;
}
