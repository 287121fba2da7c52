// Rule under test (issue 13): a stdio message over the SDK's 10 MiB limit ended the session (exit 0, nothing
// logged). BoundedLines passes every message that fits through whole, however stdin chunks it, and skips
// one that does not, up to its newline, reporting its first bytes and size; leadingRequestId reads the id
// at the start of such a message so the server can answer it.
import { describe, expect, test } from 'vitest';
import { BoundedLines, leadingRequestId } from '../../src/transports/stdio-lines.js';

async function run(maxBytes: number, chunks: string[]): Promise<{ out: string; dropped: Array<[string, number]> }> {
  const dropped: Array<[string, number]> = [];
  const lines = new BoundedLines(maxBytes, (head, bytes) => dropped.push([head, bytes]));
  let out = '';
  lines.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const ended = new Promise((resolve) => lines.on('end', resolve));
  for (const chunk of chunks) lines.write(Buffer.from(chunk));
  lines.end();
  await ended;
  return { out, dropped };
}

describe('BoundedLines', () => {
  test('messages that fit pass through whole, whatever the chunking', async () => {
    const { out, dropped } = await run(20, ['{"a":1}\n{"b"', ':2}\n', '{"c":3}\n{"d":4}']);
    expect(out).toBe('{"a":1}\n{"b":2}\n{"c":3}\n{"d":4}');
    expect(dropped).toEqual([]);
  });

  test('one over the limit is skipped to its newline and reported; the next one passes', async () => {
    const big = `{"jsonrpc":"2.0","id":7,"params":"${'x'.repeat(50)}"}`;
    const { out, dropped } = await run(40, ['{"id":1}\n', big.slice(0, 30), big.slice(30), '\n{"id":8}\n']);
    expect(out).toBe('{"id":1}\n{"id":8}\n');
    // Its first bytes (up to 4 KiB) and its whole size, newline included.
    expect(dropped).toEqual([[big, big.length + 1]]);
    expect(leadingRequestId(dropped[0]?.[0] ?? '')).toBe(7);
  });

  test.each([
    ['{"jsonrpc":"2.0","id":"req-1","method"', 'req-1'],
    ['{"jsonrpc":"2.0","method":"tools/call","id": 42', 42],
    ['{"jsonrpc":"2.0","method":"notifications/x","params":{', null],
  ])('leadingRequestId(%s) = %j', (head, id) => {
    expect(leadingRequestId(head)).toBe(id);
  });
});
