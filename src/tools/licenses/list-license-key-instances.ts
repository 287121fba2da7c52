import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { licenseKeyInstanceSchema } from '../schemas/license.js';

export const listLicenseKeyInstances = defineTool({
  name: 'list_license_key_instances',
  resource: 'licenses',
  operation: 'read',
  title: 'List license key instances',
  description:
    'Lists activations (instances) oldest first, one page at a time, optionally only those of one license key. Each ' +
    'names its device or seat and when it was activated. Use it to find the lki_ id that deactivate_license needs.',
  input: z.object({
    license_key_id: z.string().min(1).optional().describe('Only instances of this key (lic_…).'),
    ...pageInput,
  }),
  output: pageOutput(licenseKeyInstanceSchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.licenses.listInstances(filter, { page_size, page_number }),
});
