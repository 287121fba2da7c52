import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { isoInstant } from '../schemas/common.js';
import { dueWorkResultSchema } from '../schemas/subscription.js';

/** At most about 100 years of each unit; the clock stops at the end of the year 9999 in any case. */
const whole = (unit: string, max: number) => z.number().int().min(0).max(max).optional().describe(`Whole ${unit}.`);

export const advanceTestClock = defineTool({
  name: 'advance_test_clock',
  resource: 'test_clock',
  operation: 'write',
  title: 'Advance the test clock',
  description:
    'Moves the engine’s time forward, running in order everything due on the way: trial ends, renewals, scheduled plan changes and cancellations, term ends. If a step fails, stopped_by says why and the clock stays there.',
  input: z.object({
    to: z.string().optional().describe('Target ISO-8601 instant; give to or by.'),
    by: z
      .strictObject({
        months: whole('calendar months', 1200),
        days: whole('days (24 h)', 36_500),
        hours: whole('hours', 876_000),
        minutes: whole('minutes', 52_560_000),
        seconds: whole('seconds', 3_153_600_000),
      })
      .optional()
      .describe('Months apply first (Jan 31 + 1 month = Feb 28), then the rest.'),
  }),
  output: z.object({
    from: isoInstant.describe('The time before the advance, ISO-8601.'),
    to: isoInstant.describe('The time after it (target, unless it stopped short), ISO-8601.'),
    target: isoInstant.describe('The time asked for, ISO-8601.'),
    completed: z.boolean().describe('False when a step failed before target was reached.'),
    stopped_by: z.string().optional().describe('Why it stopped short, and what to do.'),
    processed_count: z.number().int().describe('How many due items were processed.'),
    processed: z.array(dueWorkResultSchema).describe('Due items processed, in time order: the first 500 when there were more.'),
    events: z.array(z.string()).describe('Event types the listed items emitted, in order.'),
  }),
  handler: (engine, input) => engine.testClock.advance(input),
});
