/** The cross-process count check of bench/large/large.ts: DuckDB's counts against shandian's, scenario by scenario. */

/** One line per problem (a scenario missing on a side, or counts that differ); empty when all agree. */
export function compareCounts(
  scenarioIds: readonly string[],
  duckdb: Readonly<Record<string, number>>,
  shandian: Readonly<Record<string, number>>,
): string[] {
  const problems: string[] = [];
  for (const id of scenarioIds) {
    const d = duckdb[id], s = shandian[id];
    if (d === undefined || s === undefined) {
      problems.push(`${id}: no count from ${d === undefined ? 'DuckDB' : ''}${d === undefined && s === undefined ? ' or ' : ''}${s === undefined ? 'shandian' : ''}`);
    } else if (d !== s) {
      problems.push(`${id}: shandian ${s} != DuckDB ${d} (${s > d ? '+' : ''}${s - d})`);
    }
  }
  for (const [side, counts] of [['DuckDB', duckdb], ['shandian', shandian]] as const) {
    for (const id of Object.keys(counts)) if (!scenarioIds.includes(id)) problems.push(`${id}: counted by ${side} but not a scenario`);
  }
  return problems;
}
