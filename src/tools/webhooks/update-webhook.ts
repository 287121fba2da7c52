import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, metadataSchema } from '../schemas/common.js';
import { eventTypeSchema, webhookHeadersSchema, webhookSchema } from '../schemas/webhook.js';

export const updateWebhook = defineTool({
  name: 'update_webhook',
  resource: 'webhooks',
  operation: 'write',
  title: 'Update webhook endpoint',
  description:
    'Changes the given fields of a webhook endpoint; omitted fields stay, null clears. Disabling pauses deliveries; pending retries resume when re-enabled.',
  input: z.object({
    webhook_id: idOf('webhook endpoint', 'wh'),
    url: z.string().optional().describe('The new http(s) URL.'),
    description: z.string().nullable().optional().describe('New text; null clears it.'),
    filter_types: z.array(eventTypeSchema).max(50).optional().describe('[] = every type.'),
    headers: webhookHeadersSchema.optional(),
    disabled: z.boolean().optional().describe('true pauses deliveries.'),
    metadata: metadataSchema.optional(),
    rate_limit: z.number().int().min(1).nullable().optional().describe('Deliveries per second at most; null: none.'),
  }),
  output: webhookSchema,
  handler: (engine, { webhook_id, ...changes }) => engine.webhooks.update(webhook_id, changes),
});
