/**
 * The condition node types by kind (the kind is the element's name). Empty
 * here: each element's folder adds its own node type
 * (src/elements/<name>/node.ts: `declare module ... { interface ConditionNodes { tag: TagNode } }`),
 * so the query machinery knows no element, and the union below is every
 * element the program holds.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ConditionNodes {}

export type ConditionKind = keyof ConditionNodes;
export type ConditionNode = ConditionNodes[ConditionKind];
export type ConditionOf<K extends ConditionKind> = ConditionNodes[K];
