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
    'Changes a license key\'s activations_limit (never below its current instances_count, else ' +
    'ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT; null = unlimited), disables or re-enables it, or moves its expires_at ' +
    '(null = never; refused on subscription keys, which follow their subscription: NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS). ' +
    'Omitted fields stay. Returns the updated key.',
  input: z.object({
    license_key_id: idOf('license key', 'lic'),
    activations_limit: z.number().int().min(0).nullable().optional().describe('Most instances at once, ≥ instances_count; null = unlimited.'),
    disabled: z.boolean().optional().describe('True: the key stops validating and activating; false: enabled again.'),
    expires_at: z.string().nullable().optional().describe('New expiry as an ISO-8601 instant (2026-01-01T00:00:00Z); null = never. Not on subscription keys.'),
  }),
  output: licenseKeySchema,
  handler: (engine, { license_key_id, ...changes }) => engine.licenses.update(license_key_id, changes),
});
