/** shandian's public API. */
export { Engine, type ExplainResult } from './engine/engine.js';
export type { EngineOptions, QueryOptions } from './engine/engine-options.js';
/** The ClickHouse backend (contract 9): what `Engine.open({ clickhouse: { urls, cluster, database } })` returns. */
export { ClusterEngine, ClusterSegment, type ClusterEngineOptions, type ClickHouseOptions, type ClusterExplainResult } from './backends/clickhouse/cluster/cluster-engine.js';
export { Segment } from './engine/segment.js';
/** Exports of a query's result (Segment.export / exportToFile / exportChunks / rows): csv, ndjson or an Arrow IPC stream, with attr:NAME and tag:NAME columns. */
export { EXPORT_FORMATS, type ExportFormat, type ExportOptions } from './export/export-stream.js';
export type { ExportReport } from './export/write-export.js';
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
export { parseSegment, DEFAULT_LIMITS, type ParseLimits } from './language/parse-segment.js';
export type * from './language/ast.js';
/** The synthetic data generator behind `shandian gen`, the demo and the benchmarks: the same records for the same options and seed, and writers for NDJSON, CSV and Arrow files. */
export { generate, writeRecords, formatForPath, type GenerateOptions, type GenRecord, type OutputFormat, type WriteProgress } from './gen/index.js';
/** Loads one NDJSON, CSV or Arrow file (or a stream) into an open engine, as `shandian ingest` does, with a report of records and rejections. */
export { ingestFile, type IngestOptions, type IngestReport } from './engine/ingest-file.js';
/** Builds a store straight from the generator, as `shandian gen --data` does: one snapshot, no log, one shard in memory at a time. */
export { buildGeneratedStore, type BuildReport } from './engine/build-generated-store.js';
/** A store's snapshot MANIFEST (record counts, shards, when it was written), or undefined when the store has no snapshot yet. Reads only. */
export { readManifest, type Manifest } from './snapshot/manifest.js';
/** The progress bar `shandian` draws on a terminal (redrawn in place; plain lines when not a TTY). */
export { ProgressBar } from './cli/common/progress-bar.js';
/** Portraits (`engine.portrait(xml, { by, asOf, tz })`, `shandian portrait`): the result every backend produces, and the dimension forms. */
export type { PortraitResult, PortraitDimensionResult, PortraitBucket } from './portrait/portrait-result.js';
export type { PortraitDimension, PortraitBy } from './portrait/dimension.js';
