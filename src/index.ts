/** shandian's public API. */
export { Engine, type ExplainResult } from './engine/engine.js';
export type { EngineOptions, QueryOptions } from './engine/engine-options.js';
export { Segment } from './engine/segment.js';
export { renderExplain, type ExplainNode } from './engine/explain-node.js';
export { ShandianError, USER_ERROR_CODES, SYSTEM_ERROR_CODES, type ErrorCode, type ErrorLocation } from './model/errors.js';
export type { EngineRecord, OrderRecord, RefundRecord, CustomerRecord, TagRecord, OrderLine, AttrValue, RawRecord } from './model/records.js';
export { parseSegment, DEFAULT_LIMITS, type ParseLimits } from './query/parse-segment.js';
export type * from './query/ast/index.js';
