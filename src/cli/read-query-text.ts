import fs from 'node:fs';
import { badArgs } from './cli-error.js';

/** The query from exactly one of --xml FILE, --expr XML, or `-` (stdin). */
export async function readQueryText(values: { xml?: string; expr?: string }, positionals: string[], stdin: NodeJS.ReadableStream): Promise<string> {
  const fromStdin = positionals.includes('-');
  const extra = positionals.filter((p) => p !== '-');
  if (extra.length) throw badArgs(`unexpected argument ${JSON.stringify(extra[0])}`);
  const sources = [values.xml !== undefined, values.expr !== undefined, fromStdin].filter(Boolean).length;
  if (sources !== 1) throw badArgs('give the query with exactly one of --xml FILE, --expr XML or - (read stdin)');
  if (values.expr !== undefined) return values.expr;
  if (values.xml !== undefined) {
    try {
      return fs.readFileSync(values.xml, 'utf8');
    } catch (e) {
      throw badArgs(`cannot read --xml ${values.xml}: ${(e as Error).message}`, 'check the path');
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}
