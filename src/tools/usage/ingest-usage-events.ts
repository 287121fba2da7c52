import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { usageMetadataSchema } from '../schemas/usage.js';

export const ingestUsageEvents = defineTool({
  name: 'ingest_usage_events',
  resource: 'usage',
  operation: 'write',
  title: 'Ingest usage events',
  description:
    'Records usage events as one all-or-nothing batch: one bad event rejects all. event_id is the idempotency key (stored ids are skipped), so re-sending a batch is safe.',
  input: z.object({
    events: z
      .array(
        z.strictObject({
          event_id: z.string().describe('Globally unique.'),
          customer_id: z.string().describe('Must exist.'),
          event_name: z.string().describe('Meters match it exactly.'),
          timestamp: z.string().optional().describe('ISO-8601; default now. At most 1 h old or 5 min ahead.'),
          metadata: usageMetadataSchema.optional().describe('≤ 50 pairs; keys ≤ 100, values ≤ 500 characters.'),
        }),
      )
      .max(1000)
      .describe('The batch.'),
  }),
  output: z.object({ ingested_count: z.number().int(), duplicate_count: z.number().int() }),
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.usage.ingest(args.events),
});
