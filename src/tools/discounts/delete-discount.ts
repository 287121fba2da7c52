import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, isoInstant } from '../schemas/common.js';

export const deleteDiscount = defineTool({
  name: 'delete_discount',
  resource: 'discounts',
  operation: 'write',
  title: 'Delete discount',
  description:
    'Deletes a discount: its code is refused from now on and free for reuse; past payments keep their record. No undo; to pause a code, set expires_at with update_discount.',
  input: z.object({ discount_id: idOf('discount', 'dsc') }),
  output: z.object({
    discount_id: z.string().describe('The deleted discount (dsc_…).'),
    code: z.string().describe('The code it held, now free to reuse.'),
    deleted_at: isoInstant.describe('When it was deleted (ISO-8601 UTC).'),
  }),
  hints: { destructiveHint: true, idempotentHint: true },
  handler: (engine, args) => engine.discounts.delete(args.discount_id),
});
