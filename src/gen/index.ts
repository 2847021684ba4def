/** Synthetic data generator and file writers (public surface of src/gen). */
export { generate, generateFromPlan } from './generate.js';
export {
  generateOrderColumns,
  OrderColumnSource,
  dictionariesOf,
  REFUND_NONE,
  REFUND_AT_INGEST,
  REFUND_LATER,
  DEFAULT_BATCH_LINES,
  MAX_LINES_PER_ORDER,
  type OrderColumnBatch,
  type GenDictionaries,
} from './order-columns.js';
export { planGeneration, resolveOptions, DEFAULT_START, DEFAULT_END, type GenerateOptions, type GenPlan } from './plan.js';
export { customerRecords, tagRecords, CustomerProfiles, TAGS } from './customers.js';
export { customerId, orderId } from './ids.js';
export { formatCents } from './money.js';
export { ShanghaiTsFormatter } from './time-format.js';
export {
  REFUNDED_LATER,
  type GenRecord,
  type GenOrderRecord,
  type GenOrderLine,
  type GenRefundRecord,
  type GenCustomerRecord,
  type GenCustomerAttrs,
  type GenTagRecord,
} from './records.js';
export { writeNdjson } from './write-ndjson.js';
export { writeCsv, csvField } from './write-csv.js';
export { writeArrow, ORDER_LINE_SCHEMA } from './write-arrow.js';
export { writeRecords, formatForPath, type OutputFormat } from './write-records.js';
export type { WriteProgress, ProgressCallback } from './file-sink.js';
export type { RecordSource } from './record-source.js';
