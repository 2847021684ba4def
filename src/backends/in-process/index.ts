import { Engine } from '../../engine/engine.js';
import type { EngineOptions } from '../../engine/engine-options.js';
import type { SegmentBackend } from '../segment-backend.js';

/**
 * The in-process backend: the Engine itself (shards in this process, the
 * executor of exec/executor.ts deciding what runs in worker threads).
 */
export async function openInProcess(options: EngineOptions = {}): Promise<SegmentBackend & Engine> {
  const engine: SegmentBackend & Engine = await Engine.open(options);
  return engine;
}
