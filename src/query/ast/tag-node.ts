import type { Position } from './position.js';

export interface TagNode {
  readonly kind: 'tag';
  readonly name: string;
  readonly pos: Position;
}
