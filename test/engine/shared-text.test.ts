// Rule under test (issue 17): no text the engine keeps may hold U+0000, which PostgreSQL's text type cannot
// store. pathOfNulText finds the first string or key that holds one, so every door (tools, forms, license
// endpoints) can refuse it by name, the same way on both databases.
import { describe, expect, test } from 'vitest';
import { nulTextError, pathOfNulText } from '../../src/engine/shared/text.js';

describe('pathOfNulText', () => {
  test('names the first string that holds U+0000, through objects and arrays', () => {
    expect(pathOfNulText({ name: 'Ann', email: 'ann@example.com' })).toBeUndefined();
    expect(pathOfNulText({ customer: { name: 'A\u0000B' } })).toBe('customer.name');
    expect(pathOfNulText({ events: [{ event_id: 'e1' }, { metadata: { k: 'v\u0000' } }] })).toBe('events.1.metadata.k');
    expect(pathOfNulText(['a', 'b\u0000'])).toBe('1');
    expect(pathOfNulText('\u0000')).toBe('(value)');
    expect(pathOfNulText({ n: 1, b: true, z: null, u: undefined, emoji: '💳' })).toBeUndefined();
  });

  test('a key that holds U+0000 is named with it escaped', () => {
    expect(pathOfNulText({ metadata: { 'a\u0000b': 'v' } })).toBe('metadata.a\\u0000b');
  });

  test('the error names the field and the next step', () => {
    const error = nulTextError('name');
    expect([error.code, error.message, error.nextStep]).toEqual([
      'INVALID_REQUEST_BODY',
      'name holds the NUL character (U+0000), which no billing text may contain; nothing was changed',
      'remove the NUL character from name and send it again',
    ]);
  });
});
