/** shandian's public API. */
export { Engine, type ExplainResult } from './engine/engine.js';
export type { EngineOptions, QueryOptions } from './engine/engine-options.js';
export { Segment } from './engine/segment.js';
export { renderExplain, type ExplainNode } from './engine/explain-node.js';
export { ShandianError, USER_ERROR_CODES, SYSTEM_ERROR_CODES, type ErrorCode, type ErrorLocation } from './model/errors.js';
/** What `engine.append` takes: the contract's records (snake_case, ts as ISO text or epoch ms, amount as text or number). */
export type { InputRecord, OrderInput, OrderLineInput, RefundInput, CustomerInput, TagInput, AttrValue, RawRecord } from './model/records.js';
/** Records after validation (internal shape, what `appendValid` takes): ts in epoch seconds, amounts in cents. */
export type {
  EngineRecord,
  OrderRecord as ValidatedOrderRecord,
  RefundRecord as ValidatedRefundRecord,
  CustomerRecord as ValidatedCustomerRecord,
  TagRecord as ValidatedTagRecord,
  OrderLine as ValidatedOrderLine,
} from './model/records.js';
export { parseSegment, DEFAULT_LIMITS, type ParseLimits } from './query/parse-segment.js';
export type * from './query/ast/index.js';
