import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { licenseKeyInput } from '../schemas/license.js';

export const deactivateLicense = defineTool({
  name: 'deactivate_license',
  resource: 'licenses',
  operation: 'write',
  title: 'Deactivate a license instance',
  description:
    'Removes one activation (instance) from a license key, freeing its slot for another device; allowed on disabled ' +
    'and expired keys too. Fails with LICENSE_KEY_NOT_FOUND when the key is unknown or the instance is not one of its ' +
    'activations (list_license_key_instances shows them). Returns the removed instance id.',
  input: z.object({
    license_key: licenseKeyInput,
    license_key_instance_id: z.string().min(1).describe('The activation to remove (lki_…).'),
  }),
  output: z.object({
    deactivated: z.literal(true).describe('Always true: the instance is gone and its slot is free.'),
    license_key_instance_id: z.string().describe('The removed instance (lki_…).'),
  }),
  hints: { destructiveHint: true },
  handler: async (engine, args) => {
    await engine.licenses.deactivate(args);
    return { deactivated: true as const, license_key_instance_id: args.license_key_instance_id };
  },
});
