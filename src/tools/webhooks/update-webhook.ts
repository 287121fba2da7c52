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
    'Changes a webhook endpoint: URL, description, event type filter, custom headers, disabled, metadata, rate ' +
    'limit. Omitted fields stay; null clears description and rate_limit. Disabling pauses deliveries (pending ' +
    'retries resume when re-enabled). Use rotate_webhook_secret for the secret. Returns the endpoint.',
  input: z.object({
    webhook_id: idOf('webhook endpoint', 'wh'),
    url: z.string().optional().describe('The new http(s) URL.'),
    description: z.string().nullable().optional().describe('New text; null clears it.'),
    filter_types: z.array(eventTypeSchema).max(50).optional().describe('Only these event types; [] = every type.'),
    headers: webhookHeadersSchema.optional(),
    disabled: z.boolean().optional().describe('true pauses deliveries, false resumes them.'),
    metadata: metadataSchema.optional(),
    rate_limit: z.number().int().min(1).nullable().optional().describe('Deliveries per second at most; null removes the limit.'),
  }),
  output: webhookSchema,
  handler: (engine, { webhook_id, ...changes }) => engine.webhooks.update(webhook_id, changes),
});
