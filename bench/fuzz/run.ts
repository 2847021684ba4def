/**
 * Long fuzz runs (issue 13):
 *   npm run fuzz -- --cases N [--seed S] [--only query|records] [--out DIR] [--workers W]
 *   npm run fuzz -- --replay FILE_OR_DIR
 * Prints a progress line and a summary; failing inputs go to DIR (default
 * fuzz-failures/) as query-<case>.json ({ seed, index, reason, xml }) or
 * records-<case>.<format> plus records-<case>.txt with the reason, for replay.
 */
import fs from 'node:fs';
import path from 'node:path';
import { replay, runFuzz, type Failure, type Kind, type Summary } from './harness.js';

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: npm run fuzz -- --cases N [--seed S] [--only query|records] [--out DIR] [--workers W]\n       npm run fuzz -- --replay FILE_OR_DIR\n`);
  process.exit(2);
}

interface Args { cases: number; seed: number; only?: Kind; out: string; replay?: string; workers: number }

function parseArgs(argv: string[]): Args {
  // worker threads side by side: 1 by default (on the shared 2-core box 2 ran slower: 331 vs 402 record cases/s)
  const o: Args = { cases: 10_000, seed: 13, out: 'fuzz-failures', workers: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    if (v === undefined) usage(`${a} needs a value`);
    i++;
    if (a === '--cases' && /^[0-9]+$/.test(v)) o.cases = Number(v);
    else if (a === '--seed' && /^[0-9]+$/.test(v)) o.seed = Number(v);
    else if (a === '--only' && (v === 'query' || v === 'records')) o.only = v;
    else if (a === '--out') o.out = v;
    else if (a === '--replay') o.replay = v;
    else if (a === '--workers' && /^[1-9][0-9]*$/.test(v)) o.workers = Number(v);
    else usage(`bad argument ${a} ${v}`);
  }
  return o;
}

function save(out: string, seed: number, f: Failure): string {
  fs.mkdirSync(out, { recursive: true });
  if (f.kind === 'query') {
    const file = path.join(out, `query-${seed}-${f.index}.json`);
    fs.writeFileSync(file, JSON.stringify({ seed, index: f.index, reason: f.reason, xml: f.text }, null, 2) + '\n');
    return file;
  }
  const file = path.join(out, `records-${seed}-${f.index}.${f.format}`);
  fs.writeFileSync(file, f.input);
  fs.writeFileSync(`${file}.txt`, `seed ${seed} case ${f.index}: ${f.reason}\nbase64: ${Buffer.from(f.input).toString('base64')}\n`);
  return file;
}

function line(done: number, total: number, s: Summary): string {
  const rate = done / (s.elapsedMs / 1000);
  return `${done}/${total} cases, ${s.failureCount} failures, ${rate.toFixed(0)} cases/s, slowest ${s.slowest ? `${s.slowest.ms.toFixed(1)} ms (${s.slowest.kind} #${s.slowest.index})` : '-'}, ${(s.elapsedMs / 1000).toFixed(0)} s`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.replay) {
    const files = fs.statSync(o.replay).isDirectory()
      ? fs.readdirSync(o.replay).filter((f) => /\.(json|xml|ndjson|csv|arrow)$/.test(f)).map((f) => path.join(o.replay!, f))
      : [o.replay];
    let bad = 0;
    for (const file of files) {
      const problem = await replay(file);
      if (problem) bad++;
      process.stdout.write(`${file}: ${problem ?? 'ok'}\n`);
    }
    process.stdout.write(`${files.length - bad} passed, ${bad} failed\n`);
    process.exitCode = bad > 0 ? 1 : 0;
    return;
  }
  const seen = new Set<string>();
  const summary = await runFuzz({
    cases: o.cases,
    seed: o.seed,
    ...(o.only ? { only: o.only } : {}),
    workers: o.workers,
    progressEvery: 5000,
    onProgress: (done, total, s) => process.stderr.write(`\r${line(done, total, s)}   `),
    onFailure: (f) => {
      const file = save(o.out, o.seed, f);
      const key = f.reason.split('\n')[0]!.replace(/[0-9]+/g, 'N');
      if (!seen.has(key)) {
        seen.add(key);
        process.stderr.write(`\nFAIL ${f.kind} #${f.index}${f.format ? ` (${f.format})` : ''}: ${f.reason.split('\n')[0]} -> ${file}\n`);
      }
    },
  });
  process.stderr.write('\n');
  const rate = summary.cases / (summary.elapsedMs / 1000);
  process.stdout.write(
    [
      `seed ${o.seed}${o.only ? `, only ${o.only}` : ''}, ${o.workers} worker${o.workers > 1 ? 's' : ''}: ${summary.cases} cases in ${(summary.elapsedMs / 1000).toFixed(1)} s (${rate.toFixed(0)} cases/s)`,
      `failures: ${summary.failureCount}${summary.failureCount ? ` (inputs in ${o.out}/)` : ''}`,
      `slowest: ${summary.slowest ? `${summary.slowest.ms.toFixed(1)} ms (${summary.slowest.kind} #${summary.slowest.index})` : '-'}`,
      `answered: ${summary.accepted}; errors by code: ${JSON.stringify(summary.errorsByCode)}`,
      `${summary.cases - summary.failureCount} passed, ${summary.failureCount} failed`,
    ].join('\n') + '\n',
  );
  process.exitCode = summary.failureCount > 0 ? 1 : 0;
}

await main();
