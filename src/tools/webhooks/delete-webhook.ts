import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookSchema } from '../schemas/webhook.js';

export const deleteWebhook = defineTool({
  name: 'delete_webhook',
  resource: 'webhooks',
  operation: 'write',
  title: 'Delete webhook endpoint',
  description: 'Deletes a webhook endpoint and its delivery log; pending retries stop. To pause instead, disable it with update_webhook.',
  input: z.object({ webhook_id: idOf('webhook endpoint', 'wh') }),
  output: webhookSchema,
  hints: { destructiveHint: true },
  handler: (engine, args) => engine.webhooks.delete(args.webhook_id),
});
