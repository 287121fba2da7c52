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
    'Lists license keys, newest first, by customer, product or status. A key is issued per purchased line of a product with license keys enabled.',
  input: z.object({
    customer_id: z.string().min(1).optional().describe('Only this customer’s.'),
    product_id: z.string().min(1).optional().describe('Only this product’s.'),
    status: licenseKeyStatusSchema.optional().describe('Status at the current clock.'),
    ...pageInput,
  }),
  output: pageOutput(licenseKeySchema),
  hints: { idempotentHint: true },
  handler: (engine, { page_size, page_number, ...filter }) => engine.licenses.list(filter, { page_size, page_number }),
});
