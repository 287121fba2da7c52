import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookSchema } from '../schemas/webhook.js';

export const getWebhook = defineTool({
  name: 'get_webhook',
  resource: 'webhooks',
  operation: 'read',
  title: 'Get webhook endpoint',
  description: 'Returns one webhook endpoint: URL, event filter, disabled state, rate limit and metadata; never the secret.',
  input: z.object({ webhook_id: idOf('webhook endpoint', 'wh') }),
  output: webhookSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.webhooks.get(args.webhook_id),
});
