// Rule under test: the merged-id filter may say "maybe" for an id never merged, never "no" for one that
// was (issue 5: a duplicate it missed would be counted twice), and at 10 bits an event it rules out all
// but ~1 % of fresh ids, so ingestion probes the idempotency index for few of them.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { eventIdHash } from '../../../src/engine/usage/event-hash.js';
import { MergedIdFilter } from '../../../src/engine/usage/merged-id-filter.js';

const freshId = () => `evt_${randomBytes(12).toString('base64url')}`;

describe('MergedIdFilter', () => {
  test('every added hash is held: 300,000 random event ids', () => {
    const filter = new MergedIdFilter(300_000);
    const hashes = Array.from({ length: 300_000 }, () => eventIdHash(freshId()));
    for (const hash of hashes) filter.add(hash);
    expect(hashes.filter((hash) => !filter.mayHold(hash))).toEqual([]);
  });

  test('property: any ids added, each is held, extremes of the hash range included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom('', 'evt_1', 'é', '😀')), { maxLength: 200 }),
        fc.constantFrom(-(2 ** 51), 2 ** 51 - 1, 0),
        (ids, edge) => {
          const filter = new MergedIdFilter(0);
          filter.add(edge);
          for (const id of ids) filter.add(eventIdHash(id));
          expect(filter.mayHold(edge)).toBe(true);
          for (const id of ids) expect(filter.mayHold(eventIdHash(id))).toBe(true);
        },
      ),
    );
  });

  test('fresh ids pass as "maybe" about 1 % of the time when the filter is full to capacity', () => {
    const filter = new MergedIdFilter(0);
    for (let i = 0; i < filter.capacity; i++) filter.add(eventIdHash(`merged-${i}`));
    expect(filter.full).toBe(false);
    const fresh = Array.from({ length: 100_000 }, () => eventIdHash(freshId()));
    const falsePositives = fresh.filter((hash) => filter.mayHold(hash)).length;
    // ~1 % expected for a blocked filter at 10 bits an event; 1.5 % leaves room for chance, not for a bug
    // such as probing fewer bits or a block picked from too few hash bits.
    expect(falsePositives / fresh.length).toBeLessThan(0.015);
    filter.add(eventIdHash('one more'));
    expect(filter.full).toBe(true);
  });

  test('sized with room to double: 1,000,000 expected → room for 2 Mi events', () => {
    expect(new MergedIdFilter(0).capacity).toBe(Math.floor(2 ** 24 / 10));
    expect(new MergedIdFilter(1_000_000).capacity).toBe(Math.floor(2 ** 25 / 10));
  });
});
