import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookHeadersResultSchema } from '../schemas/webhook.js';

export const getWebhookHeaders = defineTool({
  name: 'get_webhook_headers',
  resource: 'webhooks',
  operation: 'read',
  title: 'Get webhook custom headers',
  description: 'Returns the custom HTTP headers sent with every delivery to an endpoint. Change them with update_webhook_headers.',
  input: z.object({ webhook_id: idOf('webhook endpoint', 'wh') }),
  output: webhookHeadersResultSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.webhooks.getHeaders(args.webhook_id),
});
