import { Dictionary } from './dictionary.js';

/**
 * Store-wide dictionaries for the values that queries name: every shard
 * shares these ids, so a query resolves `sku="A"` once, not once per shard.
 */
export class Catalog {
  skus = new Dictionary();
  categories = new Dictionary();
  shops = new Dictionary();
  tags = new Dictionary();
}
