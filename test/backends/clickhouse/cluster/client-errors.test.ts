// How ClickHouse 18.16's failures become coded errors (no server needed):
// the texts are the ones 18.16 sends (measured on this machine).
import { describe, expect, it } from 'vitest';
import { clickhouseError, parseServerError, tsvField, tsvUnescape } from '../../../../src/backends/clickhouse/cluster/client.js';

const URL = 'http://127.0.0.1:8123';

describe('ClickHouse client: errors and escaping', () => {
  it('parses 18.16\'s "Code: N, e.displayText() = ..." text', () => {
    expect(parseServerError("Code: 81, e.displayText() = DB::Exception: Database nope doesn't exist, e.what() = DB::Exception\n"))
      .toEqual({ code: 81, message: "Database nope doesn't exist" });
    expect(parseServerError('Code: 60. DB::Exception: Table x.y does not exist. (UNKNOWN_TABLE) (version 23.8.1)')?.code).toBe(60);
    expect(parseServerError('socket hang up')).toBeUndefined();
  });

  it('a shard the coordinator cannot reach is E_CLUSTER_UNAVAILABLE (codes 279, 210, 209), never a server error', () => {
    const allTries = 'Code: 279, e.displayText() = DB::NetException: All connection tries failed. Log: \n\nCode: 210, e.displayText() = DB::NetException: Connection refused (127.0.0.1:43837), e.what() = DB::NetException\n\n, e.what() = DB::NetException';
    expect(clickhouseError(new Error(allTries), URL, 'answering').code).toBe('E_CLUSTER_UNAVAILABLE');
    const insert = 'Code: 210, e.displayText() = DB::NetException: Connection refused (127.0.0.1:43837): Insertion status:\nWrote 1 blocks and 0 rows on shard 0 replica 0, e.what() = DB::NetException';
    expect(clickhouseError(new Error(insert), URL, 'inserting').code).toBe('E_CLUSTER_UNAVAILABLE');
  });

  it('a node that refuses the connection is E_CLUSTER_UNAVAILABLE naming it', () => {
    const e = clickhouseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), URL, 'answering');
    expect(e.code).toBe('E_CLUSTER_UNAVAILABLE');
    expect(e.message).toContain(URL);
    expect(e.hint).toBeTruthy();
    const viaCause = clickhouseError(Object.assign(new Error('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }), URL, 'inserting');
    expect(viaCause.code).toBe('E_CLUSTER_UNAVAILABLE');
  });

  it('a statement that outlives the request timeout is E_TIMEOUT (the node answered; it is not unreachable)', () => {
    expect(clickhouseError(new Error('Timeout error.'), URL, 'counting').code).toBe('E_TIMEOUT');
  });

  it('anything else the server says is E_CLUSTER_ERROR with its code; a missing table says to ingest', () => {
    const e = clickhouseError(new Error("Code: 60, e.displayText() = DB::Exception: Table shandian.customers doesn't exist., e.what() = DB::Exception"), URL, 'answering');
    expect(e.code).toBe('E_CLUSTER_ERROR');
    expect(e.message).toContain('code 60');
    expect(e.hint).toMatch(/ingest/);
    const memory = clickhouseError(new Error('Code: 241, e.displayText() = DB::Exception: Memory limit exceeded, e.what() = DB::Exception'), URL, 'x');
    expect(memory.code).toBe('E_CLUSTER_ERROR');
    expect(memory.hint).toBeTruthy();
  });

  it('TabSeparated escaping round-trips every special character', () => {
    for (const s of ['plain', 'a\tb', 'a\nb', 'a\\b', 'a\rb', 'a\0b', '\\N', '\\t literally', '客户']) {
      expect(tsvUnescape(tsvField(s))).toBe(s);
      expect(tsvField(s)).not.toMatch(/[\t\n\r\0]/);
    }
  });
});
