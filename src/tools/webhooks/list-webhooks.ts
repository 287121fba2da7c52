import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { webhookSchema } from '../schemas/webhook.js';

export const listWebhooks = defineTool({
  name: 'list_webhooks',
  resource: 'webhooks',
  operation: 'read',
  title: 'List webhook endpoints',
  description: 'Lists the webhook endpoints, oldest first, without secrets. list_webhook_deliveries shows what was sent.',
  input: z.object({ ...pageInput }),
  output: pageOutput(webhookSchema),
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.webhooks.list(args),
});
