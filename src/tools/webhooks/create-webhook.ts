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
    'Registers a URL to receive every billing event (payments, refunds, subscriptions, license keys) as a signed POST ' +
    '(Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature), retried for about 32 hours on failure. ' +
    'A whsec_ signing secret is generated; read it with get_webhook_secret. Only events after creation are delivered. ' +
    'Returns the endpoint without its secret.',
  input: z.object({
    url: z.string().describe('The http(s) URL deliveries are POSTed to.'),
    description: z.string().optional().describe('Free text, at most 1000 characters.'),
    filter_types: z.array(eventTypeSchema).max(50).optional().describe('Only these event types; omitted or [] = every type.'),
    headers: webhookHeadersSchema.optional(),
    disabled: z.boolean().optional().describe('Create it disabled (receives nothing); default false.'),
    metadata: metadataSchema.optional(),
    rate_limit: z.number().int().min(1).optional().describe('Deliveries per second at most to this endpoint (sends are spaced 1/N s apart); default unthrottled.'),
  }),
  output: webhookSchema,
  handler: (engine, args) => engine.webhooks.create(args),
});
