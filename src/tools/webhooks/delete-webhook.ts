import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookSchema } from '../schemas/webhook.js';

export const deleteWebhook = defineTool({
  name: 'delete_webhook',
  resource: 'webhooks',
  operation: 'write',
  title: 'Delete webhook endpoint',
  description:
    'Deletes a webhook endpoint with its delivery log; pending retries to it stop and it receives nothing more. ' +
    'To pause deliveries instead, use update_webhook with disabled: true. Returns the endpoint as it was.',
  input: z.object({ webhook_id: idOf('webhook endpoint', 'wh') }),
  output: webhookSchema,
  hints: { destructiveHint: true },
  handler: (engine, args) => engine.webhooks.delete(args.webhook_id),
});
