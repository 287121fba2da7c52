import { z } from 'zod';
import { MAX_INSTANCE_NAME_LENGTH } from '../../engine/index.js';
import { defineTool } from '../define-tool.js';
import { activatedInstanceSchema, licenseKeyInput } from '../schemas/license.js';

export const activateLicense = defineTool({
  name: 'activate_license',
  resource: 'licenses',
  operation: 'write',
  title: 'Activate a license key',
  description:
    'Activates a license key on one more device or seat, using one of its slots; LICENSE_KEY_LIMIT_REACHED when all are taken (deactivate_license frees one).',
  input: z.object({
    license_key: licenseKeyInput,
    name: z.string().min(1).max(MAX_INSTANCE_NAME_LENGTH).describe('Device or seat name.'),
  }),
  output: activatedInstanceSchema,
  handler: (engine, args) => engine.licenses.activate(args),
});
