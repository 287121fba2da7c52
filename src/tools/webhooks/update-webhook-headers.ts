import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { webhookHeadersResultSchema, webhookHeadersSchema } from '../schemas/webhook.js';

export const updateWebhookHeaders = defineTool({
  name: 'update_webhook_headers',
  resource: 'webhooks',
  operation: 'write',
  title: 'Replace webhook custom headers',
  description:
    'Replaces all custom headers of an endpoint with the given ones ({} removes them); later deliveries and ' +
    'retries carry them. Content-Type, Host and webhook-* are set by the engine and cannot be overridden. ' +
    'Returns the headers now in force.',
  input: z.object({ webhook_id: idOf('webhook endpoint', 'wh'), headers: webhookHeadersSchema }),
  output: webhookHeadersResultSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.webhooks.updateHeaders(args.webhook_id, args.headers),
});
