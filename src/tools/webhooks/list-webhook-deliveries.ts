import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, pageInput, pageOutput } from '../schemas/common.js';
import { eventTypeSchema, webhookDeliverySchema } from '../schemas/webhook.js';

export const listWebhookDeliveries = defineTool({
  name: 'list_webhook_deliveries',
  resource: 'webhooks',
  operation: 'read',
  title: 'List webhook deliveries',
  description:
    'The delivery log, newest first: per message its status, the body last sent and every attempt. Replay one with retry_webhook_delivery.',
  input: z.object({
    webhook_id: idOf('webhook endpoint', 'wh').optional(),
    event_type: eventTypeSchema.optional(),
    status: z.enum(['pending', 'succeeded', 'failed']).optional().describe('Only messages in this status.'),
    ...pageInput,
  }),
  output: pageOutput(webhookDeliverySchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.webhooks.listDeliveries(filter, { page_size, page_number }),
});
