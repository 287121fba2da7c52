import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { eventTypeSchema, webhookDeliverySchema } from '../schemas/webhook.js';

export const sendTestWebhook = defineTool({
  name: 'send_test_webhook',
  resource: 'webhooks',
  operation: 'write',
  title: 'Send test webhook',
  description: 'Sends one signed sample event to an endpoint now (even a disabled one) and waits for the answer, to test a receiver. Never retried.',
  input: z.object({
    webhook_id: idOf('webhook endpoint', 'wh'),
    event_type: eventTypeSchema.optional().describe('Default payment.succeeded.'),
  }),
  output: webhookDeliverySchema,
  handler: (engine, args) => engine.webhooks.sendTest(args.webhook_id, args.event_type),
});
