import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { usageMetadataSchema } from '../schemas/usage.js';

export const ingestUsageEvents = defineTool({
  name: 'ingest_usage_events',
  resource: 'usage',
  operation: 'write',
  title: 'Ingest usage events',
  description:
    'Records up to 1000 usage events in one all-or-nothing batch: one bad event (missing field, unknown ' +
    'customer, event_id repeated in the batch, timestamp over 1 hour old or 5 minutes ahead of the engine ' +
    'clock, oversized metadata) rejects the whole batch. event_id is the idempotency key: ids stored by an ' +
    'earlier call are skipped, so re-sending a batch is safe. Returns ingested_count and duplicate_count.',
  input: z.object({
    events: z
      .array(
        z.strictObject({
          event_id: z.string().describe('Globally unique id, the idempotency key.'),
          customer_id: z.string().describe('The customer (cus_…); must exist.'),
          event_name: z.string().describe('Matched by meters exactly, case-sensitive.'),
          timestamp: z.string().optional().describe('ISO-8601; default the engine clock. Within 1 h before / 5 min after it.'),
          metadata: usageMetadataSchema.optional().describe('Flat map of string | number | boolean; ≤ 50 pairs, keys ≤ 100 and values ≤ 500 characters.'),
        }),
      ).max(1000)
      .describe('1 to 1000 events.'),
  }),
  output: z.object({ ingested_count: z.number().int(), duplicate_count: z.number().int() }),
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.usage.ingest(args.events),
});
