/** The query's AST types: the generic ones (query/ast) and every element's node. */
export type * from '../query/ast/index.js';
export type { AndNode } from '../elements/and/index.js';
export type { OrNode } from '../elements/or/index.js';
export type { NotNode } from '../elements/not/index.js';
export type { BoughtNode } from '../elements/bought/index.js';
export type { TagNode } from '../elements/tag/index.js';
export type { AttrNode } from '../elements/attr/index.js';
export type { RefNode } from '../elements/ref/index.js';
