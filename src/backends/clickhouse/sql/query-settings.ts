/**
 * The settings every query the compiler writes must run with (passed with
 * the query: URL parameters over HTTP, `clickhouse_settings` in
 * @clickhouse/client). A query is plain text with its values inlined (18.16
 * has no parameters), so a 1 MiB segment (20,000 any-of values or `<or>`
 * branches) becomes megabytes of SQL and hundreds of thousands of AST
 * elements, over the defaults (256 KiB; 50,000 elements). Measured on
 * 18.16: a 723 KB query through the Distributed table fails at 262,135
 * bytes with the default and runs with max_query_size raised (the shards
 * get the setting with the query). Never skip_unavailable_shards: a node
 * down must be an error, not a partial answer.
 */
export const QUERY_SETTINGS = {
  max_query_size: 268_435_456,
  max_ast_elements: 10_000_000,
  max_expanded_ast_elements: 10_000_000,
} as const;
