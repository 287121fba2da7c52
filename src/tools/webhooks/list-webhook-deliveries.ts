import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, pageInput, pageOutput } from '../schemas/common.js';
import { eventTypeSchema, webhookDeliverySummarySchema } from '../schemas/webhook.js';

export const listWebhookDeliveries = defineTool({
  name: 'list_webhook_deliveries',
  resource: 'webhooks',
  operation: 'read',
  title: 'List webhook deliveries',
  description:
    'The delivery log, newest first: per message (message_id = webhook-id header) its status and how the last attempt ended. ' +
    'get_webhook_delivery shows the body and every attempt; retry_webhook_delivery replays one.',
  input: z.object({
    webhook_id: idOf('webhook endpoint', 'wh').optional(),
    event_type: eventTypeSchema.optional(),
    status: z.enum(['pending', 'succeeded', 'failed']).optional().describe('Only messages in this status.'),
    ...pageInput,
  }),
  output: pageOutput(webhookDeliverySummarySchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.webhooks.listDeliverySummaries(filter, { page_size, page_number }),
});
