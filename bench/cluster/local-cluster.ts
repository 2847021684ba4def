import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A local ClickHouse cluster for tests and benchmarks: N clickhouse-server
 * processes on free loopback ports, each with its own config, data and logs
 * in one temp folder, each listing every node as one shard of the cluster
 * `name` in its `remote_servers` (no ZooKeeper: tables are created on each
 * node). It installs nothing: `clickhouseAvailable()` says whether the
 * binary is on the PATH. `stop()` kills every node and removes the folder;
 * the same happens at process exit if the caller never stopped it.
 *
 * This file is shared by bench/cluster/ and test/backends/clickhouse/
 * (cluster-harness.ts re-exports it with the vitest skip helper), so it must
 * not import vitest.
 */

export const CLICKHOUSE_SERVER = 'clickhouse-server';
export const DEFAULT_CLUSTER_NAME = 'shandian_test';

/** Is clickhouse-server on the PATH? (cached) */
let available: boolean | undefined;
export function clickhouseAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('sh', ['-c', `command -v ${CLICKHOUSE_SERVER}`], { encoding: 'utf8' });
    available = r.status === 0 && r.stdout.trim() !== '';
  }
  return available;
}

export interface LocalClusterOptions {
  /** number of nodes, each one shard (default 2) */
  nodes?: number;
  /** the cluster's name in remote_servers (default shandian_test) */
  name?: string;
  /** ms to wait for every node to answer /ping (default 30000) */
  readyTimeoutMs?: number;
  /** keep the temp folder after stop() (debugging) */
  keepFiles?: boolean;
}

export interface LocalNode {
  readonly index: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly dir: string;
  /** is its process running? */
  readonly running: boolean;
  /** kill this node (a node-down test); resolves once the process exited */
  stop(): Promise<void>;
  /** start it again (same ports, same data); resolves once it answers /ping */
  start(): Promise<void>;
}

export interface LocalCluster {
  readonly name: string;
  readonly nodes: readonly LocalNode[];
  /** every node's HTTP URL, first one first */
  readonly urls: string[];
  readonly dir: string;
  /** kill every node, remove the folder */
  stop(): Promise<void>;
}

/** Free loopback TCP ports, distinct. */
async function freePorts(n: number): Promise<number[]> {
  const servers = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      ports.push(address.port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
  return ports;
}

const xmlText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function configXml(dir: string, ports: { http: number; tcp: number; interserver: number }, clusterName: string, shardTcpPorts: number[]): string {
  const shards = shardTcpPorts
    .map((port) => `      <shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`)
    .join('\n');
  const d = xmlText(dir);
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${d}/log/server.log</log>
    <errorlog>${d}/log/error.log</errorlog>
    <size>10M</size>
    <count>1</count>
    <console>0</console>
  </logger>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>64</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>${d}/data/</path>
  <tmp_path>${d}/tmp/</tmp_path>
  <user_files_path>${d}/user_files/</user_files_path>
  <format_schema_path>${d}/format_schemas/</format_schema_path>
  <users_config>${d}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
  <remote_servers>
    <${clusterName}>
${shards}
    </${clusterName}>
  </remote_servers>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function ping(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    const text = await res.text();
    return res.ok && text.startsWith('Ok');
  } catch {
    return false;
  }
}

/** Every live cluster of this process, killed at exit if never stopped. */
const live = new Set<{ killNow(): void }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const c of live) c.killNow();
    live.clear();
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

class Node implements LocalNode {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  constructor(
    readonly index: number,
    readonly dir: string,
    readonly httpPort: number,
    readonly tcpPort: number,
    private readonly readyTimeoutMs: number,
  ) {}
  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }
  spawn(): void {
    const child = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(this.dir, 'config.xml')}`], {
      cwd: this.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8');
    });
    this.lastStderr = () => stderr;
    this.child = child;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
  }
  lastStderr: () => string = () => '';
  async waitReady(): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (!this.running && this.child !== undefined && (this.child.exitCode !== null || this.child.signalCode !== null)) {
        throw new Error(`clickhouse-server node ${this.index} exited (code ${this.child.exitCode}) before it was ready; see ${this.dir}/log/error.log\n${this.lastStderr()}`);
      }
      if (await ping(this.url)) return;
      await sleep(50);
    }
    throw new Error(`clickhouse-server node ${this.index} did not answer ${this.url}/ping within ${this.readyTimeoutMs} ms; see ${this.dir}/log/error.log`);
  }
  async start(): Promise<void> {
    if (this.running) return;
    this.spawn();
    await this.waitReady();
  }
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    child.kill('SIGKILL');
    await this.exited;
  }
  killNow(): void {
    if (this.running) this.child?.kill('SIGKILL');
  }
}

/**
 * Start a local cluster. Throws if clickhouse-server is not on the PATH or a
 * node does not come up (then everything started is stopped and removed).
 */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const count = options.nodes ?? 2;
  const name = options.name ?? DEFAULT_CLUSTER_NAME;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  if (!clickhouseAvailable()) throw new Error(`${CLICKHOUSE_SERVER} not found on the PATH`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad cluster name ${name}`);
  installExitHook();
  const root = mkdtempSync(join(tmpdir(), 'shandian-ch-'));
  let nodes: Node[] = [];
  const handle = {
    killNow(): void {
      for (const n of nodes) n.killNow();
      if (!options.keepFiles) rmSync(root, { recursive: true, force: true });
    },
  };
  live.add(handle);
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
    live.delete(handle);
    if (!options.keepFiles) rmSync(root, { recursive: true, force: true });
  };
  // a port taken between freePorts() and the server's bind: try again with new ports
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(count * 3);
    nodes = [];
    const tcpPorts = Array.from({ length: count }, (_, i) => ports[i * 3 + 1]!);
    for (let i = 0; i < count; i++) {
      const dir = join(root, `node${i + 1}`);
      rmSync(dir, { recursive: true, force: true });
      for (const sub of ['log', 'data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), { recursive: true });
      const p = { http: ports[i * 3]!, tcp: ports[i * 3 + 1]!, interserver: ports[i * 3 + 2]! };
      writeFileSync(join(dir, 'config.xml'), configXml(dir, p, name, tcpPorts));
      writeFileSync(join(dir, 'users.xml'), USERS_XML);
      nodes.push(new Node(i, dir, p.http, p.tcp, readyTimeoutMs));
    }
    try {
      for (const n of nodes) n.spawn();
      await Promise.all(nodes.map((n) => n.waitReady()));
      break;
    } catch (e) {
      await Promise.all(nodes.map((n) => n.stop()));
      if (attempt >= 3) {
        await stop();
        throw e;
      }
    }
  }
  return {
    name,
    nodes,
    get urls() {
      return nodes.map((n) => n.url);
    },
    dir: root,
    stop,
  };
}
