import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { licenseKeySchema } from '../schemas/license.js';

export const getLicenseKey = defineTool({
  name: 'get_license_key',
  resource: 'licenses',
  operation: 'read',
  title: 'Get license key',
  description: 'Returns one license key by id, with its status at the current clock. With the key string, use validate_license.',
  input: z.object({ license_key_id: idOf('license key', 'lic') }),
  output: licenseKeySchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.licenses.get(args.license_key_id),
});
