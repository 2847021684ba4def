import type { AndNode } from './and-node.js';
import type { AttrNode } from './attr-node.js';
import type { BoughtNode } from './bought-node.js';
import type { NotNode } from './not-node.js';
import type { OrNode } from './or-node.js';
import type { RefNode } from './ref-node.js';
import type { TagNode } from './tag-node.js';

export type ConditionNode = AndNode | OrNode | NotNode | BoughtNode | TagNode | AttrNode | RefNode;
