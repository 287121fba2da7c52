import { z } from 'zod';
import { MAX_INSTANCE_NAME_LENGTH } from '../../engine/index.js';
import { defineTool } from '../define-tool.js';
import { idOf } from '../schemas/common.js';
import { licenseKeyInstanceSchema } from '../schemas/license.js';

export const updateLicenseKeyInstance = defineTool({
  name: 'update_license_key_instance',
  resource: 'licenses',
  operation: 'write',
  title: 'Rename a license key instance',
  description: 'Renames one activation of a license key; its slot and id stay. To free the slot, use deactivate_license.',
  input: z.object({
    license_key_instance_id: idOf('license key instance', 'lki'),
    name: z.string().min(1).max(MAX_INSTANCE_NAME_LENGTH).describe('The new device or seat name.'),
  }),
  output: licenseKeyInstanceSchema,
  hints: { idempotentHint: true },
  handler: (engine, { license_key_instance_id, ...update }) => engine.licenses.updateInstance(license_key_instance_id, update),
});
