/**
 * The kill -9 half of a crash trial: runs a writer script in a child Node
 * process with `args`, hands each line it prints on stdout to `onLine`, and
 * SIGKILLs it `killAfterMs` after its first line (or after 20 s, so a trial
 * never hangs). Resolves once it is dead; rejects if it exited on its own.
 * bench/durability/crash-trial.ts and bench/live/live-crash-trial.ts read
 * their writers' lines; everything else of a trial is theirs.
 */
import { spawn } from 'node:child_process';

export function runAndKill(script: string, args: readonly string[], killAfterMs: number, onLine: (fields: string[]) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000); // never hang
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        onLine(out.slice(0, nl).split(' '));
        out = out.slice(nl + 1);
        timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (${code}): ${err}`));
      else resolve();
    });
  });
}
