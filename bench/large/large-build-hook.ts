/**
 * Preloaded into phase 2 of bench/large/large.ts, the unchanged CLI:
 *
 *   node --import dist/bench/large/large-build-hook.js dist/src/cli/main.js gen --data STORE --orders N
 *
 * It makes stderr look like a terminal so `gen --data` draws its progress bar
 * (large.ts parses it into progress lines; the bar is drawn only on a TTY),
 * and writes the process's peak RSS and CPU time to the file named by
 * BUILD_PEAK_ENV at exit. It changes nothing the build does.
 */
import fs from 'node:fs';
import { BUILD_PEAK_ENV, peakRssBytes, type BuildExit } from './large-protocol.js';

Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
Object.defineProperty(process.stderr, 'columns', { value: 200, configurable: true });

const peakFile = process.env[BUILD_PEAK_ENV];
if (peakFile) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const exit: BuildExit = { peakRssBytes: peakRssBytes(), cpuUs: cpu.user + cpu.system };
    fs.writeFileSync(peakFile, JSON.stringify(exit) + '\n');
  });
}
