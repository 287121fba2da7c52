import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookDeliverySchema } from '../schemas/webhook.js';

export const retryWebhookDelivery = defineTool({
  name: 'retry_webhook_delivery',
  resource: 'webhooks',
  operation: 'write',
  title: 'Replay webhook delivery',
  description:
    'Sends one message again now with the same webhook-id, a fresh signature and the object’s latest state, and waits up to 15 s. A failure leaves its retry schedule unchanged.',
  input: z.object({ message_id: idOf('webhook message', 'msg') }),
  output: webhookDeliverySchema,
  handler: (engine, args) => engine.webhooks.retryDelivery(args.message_id),
});
