/**
 * Feeding records to a writer. A sync source (the generator) is iterated
 * synchronously and the writer awaits only when it flushes: `for await` over
 * a sync iterable would cost a microtask per record.
 */

/** Records as a writer accepts them: any sync or async iterable. */
export type RecordSource<T> = Iterable<T> | AsyncIterable<T>;

/** Calls `each` per record; awaits it only when it returns a promise. */
export async function forEachRecord<T>(src: RecordSource<T>, each: (rec: T) => Promise<void> | void): Promise<void> {
  if (Symbol.asyncIterator in src) {
    for await (const rec of src) {
      const p = each(rec);
      if (p) await p;
    }
  } else {
    for (const rec of src) {
      const p = each(rec);
      if (p) await p;
    }
  }
}
