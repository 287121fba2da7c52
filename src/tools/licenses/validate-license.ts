import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { licenseKeyInput, validationSchema } from '../schemas/license.js';

export const validateLicense = defineTool({
  name: 'validate_license',
  resource: 'licenses',
  operation: 'read',
  title: 'Validate a license key',
  description:
    'Checks whether a license key may be used now, as an app would at start-up: valid is true when the key exists, is ' +
    'not disabled, is unexpired and its subscription (if any) has not ended, and the instance, when given, is one of its ' +
    'activations. An unknown key answers valid: false with reason unknown, never an error. Use it to answer "why did ' +
    'this license fail?"; it changes nothing (activate_license uses up a slot).',
  input: z.object({
    license_key: licenseKeyInput,
    license_key_instance_id: z.string().min(1).optional().describe('Also check this activation (lki_…) belongs to the key.'),
  }),
  output: validationSchema,
  hints: { idempotentHint: true },
  handler: (engine, args) => engine.licenses.validate(args),
});
