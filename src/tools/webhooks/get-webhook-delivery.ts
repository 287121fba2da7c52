import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookDeliverySchema } from '../schemas/webhook.js';

export const getWebhookDelivery = defineTool({
  name: 'get_webhook_delivery',
  resource: 'webhooks',
  operation: 'read',
  title: 'Get webhook delivery',
  description:
    'One message of the delivery log whole: the body last sent ({business_id, type, timestamp, data}) and every ' +
    'attempt with its trigger, status code, latency, error and the next scheduled attempt.',
  input: z.object({ message_id: idOf('webhook message', 'msg') }),
  output: webhookDeliverySchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.webhooks.getDelivery(args.message_id),
});
