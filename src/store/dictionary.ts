import { fail } from '../model/errors.js';
import { StringArena } from './string-arena.js';

/**
 * Dictionary encoding: external strings <-> dense ids 0..size-1, in
 * first-seen order. Ids loaded from a snapshot can stay in a StringArena
 * (decoded one at a time, when asked for); ids interned later are JS strings.
 */
export class Dictionary {
  /** built lazily: a store opened from a snapshot only for queries never needs it */
  private idMap: Map<string, number> | undefined = new Map();
  /** ids 0..loaded.count-1, when loaded from an arena */
  private loaded: StringArena | undefined;
  /** the ids after the loaded ones */
  private values: string[] = [];

  /** A dictionary holding `values` with ids 0..n-1 (loading a snapshot). */
  static fromValues(values: string[]): Dictionary {
    const d = new Dictionary();
    d.values = values;
    d.idMap = undefined;
    return d;
  }

  /**
   * A read-only dictionary of some of `base`'s values: id i is `base`'s id
   * `ids[i]`, decoded when read (a live segment's small shard:
   * src/live/touched-shard.ts; only `<sample>` reads its customers' ids).
   */
  static subset(base: Dictionary, ids: Uint32Array): Dictionary {
    return new SubsetDictionary(base, ids);
  }

  /** A dictionary over the strings of `arena`, ids 0..count-1, none decoded yet. */
  static fromArena(arena: StringArena): Dictionary {
    const d = new Dictionary();
    d.loaded = arena;
    d.idMap = undefined;
    return d;
  }

  private get base(): number {
    return this.loaded?.count ?? 0;
  }

  /** All values in id order (decodes loaded ones; do not modify). */
  get all(): readonly string[] {
    if (!this.loaded) return this.values;
    const out = new Array<string>(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.value(i);
    return out;
  }

  /** The values in id order as StringArena bytes (loaded ones copied as bytes, not decoded). */
  encode(): Uint8Array {
    return StringArena.encode(this.loaded, this.values);
  }

  private get ids(): Map<string, number> {
    if (!this.idMap) {
      this.idMap = new Map();
      for (let i = 0; i < this.size; i++) this.idMap.set(this.value(i), i);
    }
    return this.idMap;
  }

  /** Frees the value -> id map (rebuilt on the next intern or lookup): a bulk build that is done interning. */
  dropLookup(): void {
    this.idMap = undefined;
  }

  get size(): number {
    return this.base + this.values.length;
  }

  /** The id of `value`, assigning the next dense id when new. */
  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.size;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  /**
   * Adds `value`, which the caller knows is new (a bulk build of unique
   * ids), and returns its id. No lookup map is kept; the next lookup or
   * intern builds one.
   */
  appendNew(value: string): number {
    this.idMap = undefined;
    this.values.push(value);
    return this.size - 1;
  }

  /** The id of `value`, or undefined if never seen (lookups never grow the dictionary). */
  lookup(value: string): number | undefined {
    return this.ids.get(value);
  }

  value(id: number): string {
    if (id < this.base && id >= 0 && Number.isInteger(id)) return this.loaded!.get(id);
    const v = this.values[id - this.base];
    if (v === undefined) throw fail.internal(`dictionary id ${id} out of range (size ${this.size})`);
    return v;
  }
}

/** Dictionary.subset: `base`'s ids `ids[i]` as ids i, nothing copied. */
class SubsetDictionary extends Dictionary {
  private byValue: Map<string, number> | undefined;

  constructor(private readonly of: Dictionary, private readonly subsetIds: Uint32Array) {
    super();
  }

  override get size(): number {
    return this.subsetIds.length;
  }

  override get all(): readonly string[] {
    return Array.from(this.subsetIds, (id) => this.of.value(id));
  }

  override value(id: number): string {
    if (!(id >= 0 && id < this.subsetIds.length)) throw fail.internal(`dictionary id ${id} out of range (size ${this.subsetIds.length})`);
    return this.of.value(this.subsetIds[id]!);
  }

  override lookup(value: string): number | undefined {
    if (!this.byValue) {
      this.byValue = new Map();
      for (let i = 0; i < this.subsetIds.length; i++) this.byValue.set(this.value(i), i);
    }
    return this.byValue.get(value);
  }

  override intern(value: string): number {
    const id = this.lookup(value);
    if (id === undefined) throw fail.internal('intern() on a read-only subset dictionary');
    return id;
  }

  override appendNew(): number {
    throw fail.internal('appendNew() on a read-only subset dictionary');
  }

  override encode(): Uint8Array {
    return StringArena.encode(undefined, [...this.all]);
  }

  override dropLookup(): void {
    this.byValue = undefined;
  }
}
