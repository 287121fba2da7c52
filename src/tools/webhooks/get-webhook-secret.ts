import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookSecretSchema } from '../schemas/webhook.js';

export const getWebhookSecret = defineTool({
  name: 'get_webhook_secret',
  resource: 'webhooks',
  operation: 'read',
  title: 'Get webhook signing secret',
  description:
    'Returns the whsec_ secret that signs deliveries to an endpoint (verify webhook-signature with it) and, after a rotation, until when the old one co-signs.',
  input: z.object({ webhook_id: idOf('webhook endpoint', 'wh') }),
  output: webhookSecretSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.webhooks.getSecret(args.webhook_id),
});
