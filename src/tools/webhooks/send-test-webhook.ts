import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { eventTypeSchema, webhookDeliverySchema } from '../schemas/webhook.js';

export const sendTestWebhook = defineTool({
  name: 'send_test_webhook',
  resource: 'webhooks',
  operation: 'write',
  title: 'Send test webhook',
  description:
    'Sends one signed sample event to an endpoint now (even a disabled one) and waits for the answer, to check a ' +
    'receiver and its signature verification. The data is {payload_type, test: true}. Test sends are never ' +
    'retried. Returns the delivery with its attempt.',
  input: z.object({
    webhook_id: idOf('webhook endpoint', 'wh'),
    event_type: eventTypeSchema.optional().describe('The event type to send (default payment.succeeded).'),
  }),
  output: webhookDeliverySchema,
  handler: (engine, args) => engine.webhooks.sendTest(args.webhook_id, args.event_type),
});
