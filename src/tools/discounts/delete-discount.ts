import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { idOf, isoInstant } from '../schemas/common.js';

export const deleteDiscount = defineTool({
  name: 'delete_discount',
  resource: 'discounts',
  operation: 'write',
  title: 'Delete discount',
  description:
    'Deletes a discount: from now on its code is refused at checkout (INVALID_DISCOUNT_CODE) and it leaves ' +
    'list_discounts, while past payments keep their record of it. The code becomes free for a new discount. ' +
    'There is no undo; to pause a code instead, set expires_at with update_discount.',
  input: z.object({ discount_id: idOf('discount', 'dsc') }),
  output: z.object({
    discount_id: z.string().describe('The deleted discount (dsc_…).'),
    code: z.string().describe('The code it held, now free to reuse.'),
    deleted_at: isoInstant.describe('When it was deleted (ISO-8601 UTC).'),
  }),
  hints: { destructiveHint: true, idempotentHint: true },
  handler: (engine, args) => engine.discounts.delete(args.discount_id),
});
