import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { licenseKeySchema } from '../schemas/license.js';

export const updateLicenseKey = defineTool({
  name: 'update_license_key',
  resource: 'licenses',
  operation: 'write',
  title: 'Update a license key',
  description:
    'Changes a license key’s activations_limit (not below instances_count), disables or re-enables it, or moves expires_at (not on subscription keys, which follow their subscription). Omitted fields stay.',
  input: z.object({
    license_key_id: idOf('license key', 'lic'),
    activations_limit: z.number().int().min(0).nullable().optional().describe('null = unlimited.'),
    disabled: z.boolean().optional().describe('True stops it validating and activating.'),
    expires_at: z.string().nullable().optional().describe('ISO-8601 instant; null = never.'),
  }),
  output: licenseKeySchema,
  handler: (engine, { license_key_id, ...changes }) => engine.licenses.update(license_key_id, changes),
});
