import { describe, expect, it } from 'vitest';
import { parseSegment } from '../../src/language/parse-segment.js';
import { analyse } from '../../src/live/time-dependence.js';

const DAY = 86_400_000;
const of = (xml: string, saved: Record<string, string> = {}) => analyse(parseSegment(xml), (name) => parseSegment(saved[name]!));

describe('what a live segment depends on (src/live/time-dependence.ts)', () => {
  it('tags, attributes and samples never move with time: no offsets, never re-evaluated for time', () => {
    expect(of('<segment><or><tag name="vip"/><not><attr name="city" eq="x"/></not><sample seed="s" from="0" to="10"/></or></segment>'))
      .toEqual({ offsets: [], blind: false, fullOnData: false });
  });

  it('order elements: the cap at asOf (0), last and relative bounds, a sequence\'s within; through refs', () => {
    expect(of('<segment><bought last="7d"/><firstOrder from="-30d" to="-2w"/></segment>').offsets).toEqual([0, 7 * DAY, 14 * DAY, 30 * DAY]);
    expect(of('<segment><bought from="2026-01-01"/></segment>').offsets).toEqual([0]);
    expect(of('<segment><sequence within="3h"><step sku="A"/><absent sku="B"/></sequence></segment>')).toEqual({ offsets: [0, 3 * 3_600_000], blind: false, fullOnData: false });
    expect(of('<segment><ref segment="r"/></segment>', { r: '<segment><lastOrder last="90d"/></segment>' }).offsets).toEqual([0, 90 * DAY]);
  });

  it('<score> ranks the whole population: an append re-evaluates everyone', () => {
    const a = of('<segment><score by="monetary" min="5" last="365d"/></segment>');
    expect(a.fullOnData).toBe(true);
  });
});
