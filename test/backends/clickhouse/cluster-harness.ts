import { afterAll, beforeAll, describe } from 'vitest';
import {
  clickhouseAvailable,
  DEFAULT_CLUSTER_NAME,
  startLocalCluster,
  type LocalCluster,
  type LocalClusterOptions,
  type LocalNode,
} from '../../../bench/cluster/local-cluster.js';

/**
 * The ClickHouse tests' harness. The cluster itself is started by
 * bench/cluster/local-cluster.ts (shared with `npm run bench:cluster`; it
 * imports no vitest): N clickhouse-server processes on free loopback ports,
 * configs and data in one temp folder, each node one shard of the cluster
 * `shandian_test` in every node's remote_servers; stopped and removed in
 * afterAll, and at process exit if a run dies before that.
 *
 * Usage:
 *   describeClickHouse('loader', () => {
 *     const cluster = useLocalCluster();          // beforeAll / afterAll
 *     it('...', async () => { cluster().urls ... });
 *   });
 * Without clickhouse-server on the PATH the block is skipped and the test
 * output says so, with how to enable it.
 */

export { clickhouseAvailable, DEFAULT_CLUSTER_NAME, startLocalCluster };
export type { LocalCluster, LocalClusterOptions, LocalNode };

export const SKIP_MESSAGE =
  'ClickHouse tests skipped: clickhouse-server not found; to enable: apt-get install clickhouse-server';

/** describe() when clickhouse-server is on the PATH, else describe.skip() and a visible warning. */
export function describeClickHouse(name: string, fn: () => void): void {
  if (clickhouseAvailable()) {
    describe(name, fn);
  } else {
    console.warn(`${SKIP_MESSAGE} (${name})`);
    describe.skip(name, fn);
  }
}

/**
 * Start a local cluster before the block's tests and stop it after them.
 * Returns an accessor (the cluster exists only once beforeAll ran).
 */
export function useLocalCluster(options: LocalClusterOptions = {}): () => LocalCluster {
  let cluster: LocalCluster | undefined;
  beforeAll(async () => {
    cluster = await startLocalCluster(options);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  return () => {
    if (cluster === undefined) throw new Error('the local ClickHouse cluster is not running (used outside a test?)');
    return cluster;
  };
}

/** A unique database name per test (tables of one test never meet another's). */
let dbCounter = 0;
export function freshDatabase(prefix = 'shandian_t'): string {
  dbCounter += 1;
  return `${prefix}_${process.pid}_${dbCounter}`;
}
