import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { licenseKeyInstanceSchema } from '../schemas/license.js';

export const listLicenseKeyInstances = defineTool({
  name: 'list_license_key_instances',
  resource: 'licenses',
  operation: 'read',
  title: 'List license key instances',
  description: 'Lists activations, oldest first, optionally of one license key; it finds the instance id deactivate_license needs.',
  input: z.object({
    license_key_id: z.string().min(1).optional().describe('Only this key’s.'),
    ...pageInput,
  }),
  output: pageOutput(licenseKeyInstanceSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.licenses.listInstances(filter, { page_size, page_number }),
});
