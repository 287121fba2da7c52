import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { metadataSchema } from '../schemas/common.js';
import { eventTypeSchema, webhookHeadersSchema, webhookSchema } from '../schemas/webhook.js';

export const createWebhook = defineTool({
  name: 'create_webhook',
  resource: 'webhooks',
  operation: 'write',
  title: 'Create webhook endpoint',
  description:
    'Registers a URL for billing events as signed POSTs (Standard Webhooks), retried for about 32 hours on failure; only later events are delivered. Read the generated secret with get_webhook_secret.',
  input: z.object({
    url: z.string().describe('http(s) URL to POST to.'),
    description: z.string().optional().describe('Free text, ≤ 1000 characters.'),
    filter_types: z.array(eventTypeSchema).max(50).optional().describe('Omitted or [] = every type.'),
    headers: webhookHeadersSchema.optional(),
    disabled: z.boolean().optional().describe('Receives nothing (default false).'),
    metadata: metadataSchema.optional(),
    rate_limit: z.number().int().min(1).optional().describe('Deliveries per second at most; default unthrottled.'),
  }),
  output: webhookSchema,
  handler: (engine, args) => engine.webhooks.create(args),
});
