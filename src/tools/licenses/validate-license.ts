import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { licenseKeyInput, validationSchema } from '../schemas/license.js';

export const validateLicense = defineTool({
  name: 'validate_license',
  resource: 'licenses',
  operation: 'read',
  title: 'Validate a license key',
  description:
    'Checks whether a license key may be used now, as an app would at start-up; an unknown key answers valid: false with a reason, not an error. Changes nothing (activate_license uses a slot).',
  input: z.object({
    license_key: licenseKeyInput,
    license_key_instance_id: z.string().min(1).optional().describe('Also check this activation is the key’s.'),
  }),
  output: validationSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.licenses.validate(args),
});
