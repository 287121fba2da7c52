// Rule under test: clock.ts iso — an instant as ISO-8601 UTC with milliseconds, the same text whether it
// was formatted before (kept) or not, also after more than the 1024 kept instants; an invalid instant throws.
import { describe, expect, test } from 'vitest';
import { iso } from '../../src/engine/clock.js';

describe('iso', () => {
  test('formats every instant as Date does, repeated or new, past the kept limit', () => {
    const start = Date.parse('2024-02-28T23:59:59.999Z');
    const instants = Array.from({ length: 3000 }, (_, i) => start + i * 86_399_937);
    for (let round = 0; round < 2; round++) {
      for (const ms of instants) expect(iso(ms)).toBe(new Date(ms).toISOString());
    }
    expect(iso(Date.parse('2025-05-01T00:00:00Z'))).toBe('2025-05-01T00:00:00.000Z');
    expect(iso(-1)).toBe('1969-12-31T23:59:59.999Z');
    expect(() => iso(Number.NaN)).toThrow(RangeError);
    expect(() => iso(Number.NaN)).toThrow(RangeError);
  });
});
