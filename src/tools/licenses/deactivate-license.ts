import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { licenseKeyInput } from '../schemas/license.js';

export const deactivateLicense = defineTool({
  name: 'deactivate_license',
  resource: 'licenses',
  operation: 'write',
  title: 'Deactivate a license instance',
  description: 'Removes one activation from a license key, freeing its slot; allowed on disabled and expired keys too.',
  input: z.object({
    license_key: licenseKeyInput,
    license_key_instance_id: z.string().min(1).describe('The activation to remove.'),
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
