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
    'Generates a new signing secret; for 24 hours deliveries carry a signature per secret so receivers can switch, then only the new one signs.',
  input: z.object({ webhook_id: idOf('webhook endpoint', 'wh') }),
  output: webhookSecretSchema,
  handler: (engine, args) => engine.webhooks.rotateSecret(args.webhook_id),
});
