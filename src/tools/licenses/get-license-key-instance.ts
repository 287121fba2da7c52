import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { licenseKeyInstanceSchema } from '../schemas/license.js';

export const getLicenseKeyInstance = defineTool({
  name: 'get_license_key_instance',
  resource: 'licenses',
  operation: 'read',
  title: 'Get license key instance',
  description: 'Returns one activation of a license key: its key, device or seat name and when it was activated.',
  input: z.object({ license_key_instance_id: idOf('license key instance', 'lki') }),
  output: licenseKeyInstanceSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.licenses.getInstance(args.license_key_instance_id),
});
