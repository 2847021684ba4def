import type { QueryOptions } from '../engine/engine-options.js';
import type { ExplainResult } from '../engine/engine.js';

/**
 * What answers segment queries, whatever holds the data. The in-process
 * engine is one backend (src/backends/in-process/: the Engine itself); a
 * second one, e.g. ClickHouse, is one folder beside it,
 * src/backends/clickhouse/, exporting a factory that returns a
 * SegmentBackend. Such a backend takes the same XML (or the plan:
 * language/plan-segment.ts gives one from the AST, so a backend may compile
 * plan nodes to its own query text instead of reading XML again) and must
 * give the same answers; errors are ShandianErrors with the codes the
 * engine uses (src/model/errors.ts).
 *
 * A backend does not use exec/executor.ts: that seam is inside the
 * in-process engine (where its shard work runs). See docs/architecture.md,
 * "Adding a backend".
 */
export interface SegmentBackend {
  /** the segment's members: count now, external ids streamed, membership tests */
  query(xml: string, options?: QueryOptions): Promise<SegmentResult>;
  /** the plan with estimated and actual sizes and times */
  explain(xml: string, options?: QueryOptions): Promise<ExplainResult>;
  close(): Promise<void>;
}

/** A query's answer (the engine's Segment, src/engine/segment.ts, is one). */
export interface SegmentResult {
  readonly count: number;
  /** external customer ids, each once */
  ids(): AsyncIterable<string>;
  has(customerId: string): boolean;
}
