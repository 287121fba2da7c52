import { z } from 'zod';
import { MAX_INSTANCE_NAME_LENGTH } from '../../engine/licenses/rules.js';
import { defineTool } from '../define-tool.js';
import { activatedInstanceSchema, licenseKeyInput } from '../schemas/license.js';

export const activateLicense = defineTool({
  name: 'activate_license',
  resource: 'licenses',
  operation: 'write',
  title: 'Activate a license key',
  description:
    'Activates a license key on one more device or seat, using one of its activations_limit slots. Fails with ' +
    'LICENSE_KEY_NOT_FOUND for an unknown key, INACTIVE_LICENSE_KEY when it is disabled or expired, and ' +
    'LICENSE_KEY_LIMIT_REACHED when every slot is taken (deactivate_license frees one). Returns the new instance ' +
    '(lki_…) with the product and customer it licenses; validate_license only checks.',
  input: z.object({
    license_key: licenseKeyInput,
    name: z.string().min(1).max(MAX_INSTANCE_NAME_LENGTH).describe('A name for the device or seat, e.g. "Ann\'s MacBook".'),
  }),
  output: activatedInstanceSchema,
  handler: (engine, args) => engine.licenses.activate(args),
});
