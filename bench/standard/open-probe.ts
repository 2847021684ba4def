/**
 * Child process of run.ts: opens a closed shandian store in a fresh process
 * and prints what that cost as JSON on stdout. A fresh process is the only
 * clean way to see the store's resident size: the benchmark process carries
 * allocator high-water from ingest, and the engine's columns live in
 * SharedArrayBuffers, which process.memoryUsage() counts in neither heap nor
 * external memory (and its roaring bitmaps are native memory), so only the
 * RSS difference sees them.
 *
 *   node --expose-gc dist/bench/standard/open-probe.js STORE_DIR
 */
import { Engine } from '../../src/index.js';
import { getGc, memDelta, sampleMemory } from '../common/machine.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: open-probe.js STORE_DIR\n');
  process.exit(2);
}
const { gc } = getGc();
// load the engine's modules and warm the allocator before the baseline
await (await Engine.open({})).close();
const before = sampleMemory(gc);
const t0 = performance.now();
const engine = await Engine.open({ dir, durability: 'none' });
const openMs = performance.now() - t0;
const after = sampleMemory(gc);
const size = engine.size;
process.stdout.write(JSON.stringify({ openMs, lines: size.lines, delta: memDelta(after, before), recovery: engine.recovery ?? null }) + '\n');
await engine.close();
