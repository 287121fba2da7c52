import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { pageInput, pageOutput } from '../schemas/common.js';
import { licenseKeySchema, licenseKeyStatusSchema } from '../schemas/license.js';

export const listLicenseKeys = defineTool({
  name: 'list_license_keys',
  resource: 'licenses',
  operation: 'read',
  title: 'List license keys',
  description:
    'Lists license keys newest first, one page at a time, optionally only one customer\'s, one product\'s, or those with ' +
    'one status at the current clock (active, expired, disabled). Keys are issued when a payment for a product with ' +
    'license keys enabled succeeds, one per purchased line. Use get_license_key for one key by id.',
  input: z.object({
    customer_id: z.string().min(1).optional().describe('Only keys of this customer (cus_…).'),
    product_id: z.string().min(1).optional().describe('Only keys of this product (pdt_…).'),
    status: licenseKeyStatusSchema.optional().describe('Only keys with this status now: active, expired or disabled.'),
    ...pageInput,
  }),
  output: pageOutput(licenseKeySchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.licenses.list(filter, { page_size, page_number }),
});
