import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookSecretSchema } from '../schemas/webhook.js';

export const rotateWebhookSecret = defineTool({
  name: 'rotate_webhook_secret',
  resource: 'webhooks',
  operation: 'write',
  title: 'Rotate webhook signing secret',
  description:
    'Generates a new whsec_ secret for an endpoint. For 24 hours (engine clock) deliveries carry two v1 ' +
    'signatures, one per secret, so receivers can switch without rejecting anything; then only the new one ' +
    'signs. Returns the new secret and when the old one stops.',
  input: z.object({ webhook_id: idOf('webhook endpoint', 'wh') }),
  output: webhookSecretSchema,
  handler: (engine, args) => engine.webhooks.rotateSecret(args.webhook_id),
});
