import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { licenseKeySchema } from '../schemas/license.js';

export const getLicenseKey = defineTool({
  name: 'get_license_key',
  resource: 'licenses',
  operation: 'read',
  title: 'Get license key',
  description:
    'Returns one license key by its lic_ id: the key itself, customer, product, the payment or subscription that issued ' +
    'it, status at the current clock (active, expired or disabled), activations_limit, instances_count and expires_at. ' +
    'Use validate_license when you have the key string rather than its id.',
  input: z.object({ license_key_id: idOf('license key', 'lic') }),
  output: licenseKeySchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.licenses.get(args.license_key_id),
});
