import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookHeadersResultSchema, webhookHeadersSchema } from '../schemas/webhook.js';

export const updateWebhookHeaders = defineTool({
  name: 'update_webhook_headers',
  resource: 'webhooks',
  operation: 'write',
  title: 'Replace webhook custom headers',
  description: 'Replaces all custom headers of an endpoint ({} removes them); later deliveries and retries carry them.',
  input: z.object({ webhook_id: idOf('webhook endpoint', 'wh'), headers: webhookHeadersSchema }),
  output: webhookHeadersResultSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.webhooks.updateHeaders(args.webhook_id, args.headers),
});
