/**
 * Customer profiles and tags. Each customer's attributes come from its own
 * counter-based random stream (seed, index), so a profile can be recomputed
 * anywhere (record writer, tag pass, a columnar consumer) without storing it.
 * Level and tags lean on expected activity: heavy buyers are more often gold
 * or platinum and `vip`; quiet ones more often `churn-risk`.
 */
import type { CustomerActivity } from './customer-activity.js';
import { customerId } from './ids.js';
import { mix32, Sfc32, streamSeeds } from './random.js';
import type { GenCustomerAttrs, GenCustomerRecord, GenTagRecord } from './records.js';
import { AliasTable } from './sampling.js';
import { formatDay } from './time-format.js';

const CITIES: readonly string[] = [
  'Shanghai', 'Beijing', 'Guangzhou', 'Shenzhen', 'Hangzhou', 'Chengdu', 'Chongqing', 'Wuhan',
  "Xi'an", 'Nanjing', 'Suzhou', 'Tianjin', 'Xiamen', 'Changsha', 'Qingdao',
];
const CITY_WEIGHTS: readonly number[] = [14, 13, 10, 10, 8, 7, 6, 5, 4, 5, 5, 4, 3, 3, 3];

const LEVELS = ['bronze', 'silver', 'gold', 'platinum'] as const;

export const TAGS = ['vip', 'newsletter', 'churn-risk', 'wholesale'] as const;
export type GenTag = (typeof TAGS)[number];

/** Accounts are up to 8 years old, recent sign-ups more common. */
const MAX_ACCOUNT_AGE_DAYS = 8 * 365;
/** Share of tagged customers who later lose one of their tags. */
const TAG_REMOVAL_RATE = 0.04;

export class CustomerProfiles {
  readonly customers: number;
  private readonly activity: CustomerActivity;
  private readonly firstDay: number;
  private readonly base: [number, number, number, number];
  private readonly rng = new Sfc32();
  private readonly cityPicker = new AliasTable(CITY_WEIGHTS);

  /** `firstDay`: the first generated order day; everyone signed up before it. */
  constructor(activity: CustomerActivity, seed: number, firstDay: number) {
    this.customers = activity.customers;
    this.activity = activity;
    this.firstDay = firstDay;
    this.base = streamSeeds(seed, 'customer-profile');
  }

  private streamFor(index: number, salt: number): Sfc32 {
    const b = this.base;
    return this.rng.reseed(b[0] ^ salt, b[1], mix32(b[2] ^ index), b[3] ^ Math.floor(index / 4294967296));
  }

  attrs(index: number): GenCustomerAttrs {
    const rng = this.streamFor(index, 0);
    const p = this.activity.percentile(index);
    let level = p < 0.02 ? 3 : p < 0.12 ? 2 : p < 0.4 ? 1 : 0;
    if (rng.chance(0.15)) level = Math.min(3, Math.max(0, level + (rng.chance(0.5) ? 1 : -1)));
    const city = CITIES[this.cityPicker.sample(rng)]!;
    const age = Math.min(70, Math.max(18, Math.round(33 + 10 * rng.nextGaussianish())));
    const gender = rng.chance(0.58) ? 'F' : 'M';
    const u = rng.nextFloat();
    const signupDay = this.firstDay - 1 - Math.floor(u * u * MAX_ACCOUNT_AGE_DAYS);
    return { city, level: LEVELS[level]!, age, gender, signup_date: formatDay(signupDay) };
  }

  /** Tags added to this customer (in TAGS order), possibly none. */
  tags(index: number): GenTag[] {
    const rng = this.streamFor(index, 0x7a65);
    const p = this.activity.percentile(index);
    const out: GenTag[] = [];
    if (rng.chance(p < 0.05 ? 0.7 : p < 0.2 ? 0.08 : 0.02)) out.push('vip');
    if (rng.chance(0.2)) out.push('newsletter');
    if (rng.chance(p > 0.6 ? 0.2 : 0.02)) out.push('churn-risk');
    if (rng.chance(p < 0.003 ? 0.5 : 0.001)) out.push('wholesale');
    return out;
  }

  /** The tag this customer later loses, if any (drawn from its own stream). */
  removedTag(index: number, added: readonly GenTag[]): GenTag | undefined {
    if (added.length === 0) return undefined;
    const rng = this.streamFor(index, 0x2e40);
    return rng.chance(TAG_REMOVAL_RATE) ? added[rng.nextInt(added.length)] : undefined;
  }
}

/** One `customer` record per customer, in index order. */
export function* customerRecords(profiles: CustomerProfiles): Generator<GenCustomerRecord> {
  for (let i = 0; i < profiles.customers; i++) {
    yield { type: 'customer', customer_id: customerId(i), attrs: profiles.attrs(i) };
  }
}

/** Tag additions for every customer, then the few removals. */
export function* tagRecords(profiles: CustomerProfiles): Generator<GenTagRecord> {
  const removals: Array<[number, GenTag]> = [];
  for (let i = 0; i < profiles.customers; i++) {
    const tags = profiles.tags(i);
    if (tags.length === 0) continue;
    const id = customerId(i);
    for (const tag of tags) yield { type: 'tag', customer_id: id, tag, op: 'add' };
    const removed = profiles.removedTag(i, tags);
    if (removed !== undefined) removals.push([i, removed]);
  }
  for (const [i, tag] of removals) yield { type: 'tag', customer_id: customerId(i), tag, op: 'remove' };
}
