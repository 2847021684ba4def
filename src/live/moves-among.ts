/** No one entered or exited. */
export const NO_MOVES = { entered: new Uint32Array(0), exited: new Uint32Array(0) };

/**
 * Among the `affected` customers (shard ids, ascending), those who are
 * members now and were not (`entered`), and those who were and are not
 * (`exited`): `members` are the small shard's members (its ids, ascending;
 * `locals` maps them to shard ids, ascending too), `was` the affected
 * customers who were members (ascending). One merge of sorted arrays.
 */
export function movesAmong(affected: Uint32Array, members: Uint32Array, locals: Uint32Array, was: Uint32Array): { entered: Uint32Array; exited: Uint32Array } {
  const entered: number[] = [], exited: number[] = [];
  let m = 0, w = 0;
  for (let k = 0; k < affected.length; k++) {
    const c = affected[k]!;
    while (m < members.length && locals[members[m]!]! < c) m++;
    while (w < was.length && was[w]! < c) w++;
    const isNow = m < members.length && locals[members[m]!] === c;
    const wasThen = w < was.length && was[w] === c;
    if (isNow && !wasThen) entered.push(c);
    else if (wasThen && !isNow) exited.push(c);
  }
  return { entered: Uint32Array.from(entered), exited: Uint32Array.from(exited) };
}
