import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { isoInstant } from '../schemas/common.js';

export const getTestClock = defineTool({
  name: 'get_test_clock',
  resource: 'test_clock',
  operation: 'read',
  title: 'Get the test clock',
  description:
    'Returns the engine’s time (the test clock), its offset from real time, and next_due_at: the earliest pending renewal, trial end, cancellation or term end.',
  input: z.object({}),
  output: z.object({
    now: isoInstant.describe('The engine’s time now, ISO-8601.'),
    offset_ms: z.number().int().describe('How far the test clock is ahead of real time, milliseconds.'),
    real_now: isoInstant.describe('Real time, ISO-8601.'),
    next_due_at: isoInstant.nullable().describe('The earliest pending due work, ISO-8601; null when nothing is scheduled.'),
  }),
  hints: { idempotentHint: true },
  handler: (engine) => engine.testClock.get(),
});
