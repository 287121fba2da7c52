import { z } from 'zod';
import { MAX_REASON_LENGTH, REFUND_STATUSES } from '../../engine/index.js';
import { currencySchema, isoInstant, metadataSchema } from './common.js';

export const refundStatusSchema = z
  .enum(REFUND_STATUSES)
  .describe(
    'pending or review: still being processed; succeeded: the money went back to the original payment method; failed: it did not. Test mode refunds succeed at once.',
  );

const customerSchema = z
  .object({
    customer_id: z.string().describe('The customer id (cus_…).'),
    email: z.string().describe("The customer's email, lower case."),
    name: z.string().describe("The customer's name."),
  })
  .describe('Who gets the money back: the paying customer.');

export const refundSchema = z.object({
  refund_id: z.string().describe('The refund id (ref_…).'),
  payment_id: z.string().describe('The refunded payment (pay_…).'),
  business_id: z.string().describe('The business the refund belongs to (bus_…).'),
  brand_id: z.string().describe('The brand the payment was made under (brnd_…).'),
  customer: customerSchema,
  amount: z.number().int().describe('Minor units returned, tax included (1180 = $11.80): the sum of items[].amount.'),
  currency: currencySchema,
  is_partial: z.boolean().describe("True when this refund returns less than the payment's total_amount."),
  reason: z.string().nullable().describe('Why the refund was made, as recorded; null when none was given.'),
  status: refundStatusSchema,
  items: z
    .array(
      z.object({
        item_id: z.string().describe('The refunded line: its product or addon id.'),
        amount: z.number().int().describe('Minor units returned for the line, tax included.'),
      }),
    )
    .describe('What each payment line got back.'),
  metadata: z.record(z.string(), z.string()).describe("The merchant's key-value pairs."),
  created_at: isoInstant.describe('When the refund was made (ISO-8601 UTC).'),
});

// Strict: a misspelt `amount` ("amt") must be refused, not dropped — dropped, it would refund the whole line.
export const refundItemInput = z.strictObject({
  item_id: z.string().min(1).describe('The line’s product or addon id, as in the payment’s line items.'),
  amount: z.number().int().optional().describe('Minor units, ≥ 1, up to what remains of the line; omit for all of it.'),
  tax_inclusive: z.boolean().optional().describe('Default true: amount includes tax. False adds the line’s tax (1000 at 18 % returns 1180).'),
});

export const refundInputFields = {
  payment_id: z.string().min(1).describe('The succeeded payment (pay_…).'),
  items: z.array(refundItemInput).max(50).optional().describe('Each item_id once; omit to refund all that remains.'),
  reason: z.string().max(MAX_REASON_LENGTH).optional().describe('Shown on the receipt.'),
  metadata: metadataSchema.optional(),
};

const receiptLineSchema = z.object({
  item_id: z.string().describe('The refunded line: its product or addon id.'),
  kind: z.enum(['product', 'addon', 'meter']).describe('Whether the line bills a product, an addon or metered usage.'),
  name: z.string().describe("The line's name as invoiced."),
  quantity: z.number().int().describe('Units on the original line.'),
  paid_amount: z.number().int().describe('What the customer paid for the line, tax included, in minor units.'),
  amount: z.number().int().describe('The refunded part without tax, in minor units.'),
  tax: z.number().int().describe("The refunded part's tax, in the line's own proportion (half up), in minor units."),
  total: z.number().int().describe('amount + tax: what this refund returns for the line, in minor units.'),
});

export const refundReceiptSchema = z.object({
  refund_id: z.string().describe('The refund (ref_…).'),
  status: z.literal('succeeded').describe('Receipts exist for succeeded refunds only.'),
  issued_at: isoInstant.describe('When the refund was made (ISO-8601 UTC).'),
  business_id: z.string().describe('The business (bus_…).'),
  brand: z
    .object({
      brand_id: z.string().describe('The brand id (brnd_…).'),
      name: z.string().describe('The brand name shown to the customer.'),
      url: z.string().nullable().describe("The brand's website, or null."),
      support_email: z.string().nullable().describe('Where the customer can ask questions, or null.'),
    })
    .describe('The brand the payment was made under.'),
  customer: customerSchema,
  reason: z.string().nullable().describe('The refund reason, or null.'),
  payment: z
    .object({
      payment_id: z.string().describe('The refunded payment (pay_…).'),
      invoice_id: z.string().nullable().describe("The payment's invoice (inv_…)."),
      created_at: isoInstant.describe('When the payment was made (ISO-8601 UTC).'),
      total_amount: z.number().int().describe('What the payment charged, tax included, in minor units.'),
      payment_method: z
        .object({
          type: z.string().nullable().describe('The payment method type, e.g. card.'),
          card_network: z.string().nullable().describe('Card network, e.g. Visa.'),
          card_last_four: z.string().nullable().describe('Last four digits of the card.'),
        })
        .describe('The original method the money goes back to.'),
    })
    .describe('The payment this refund returns money from.'),
  currency: currencySchema,
  lines: z.array(receiptLineSchema).describe('The refunded lines; they sum to the totals.'),
  subtotal: z.number().int().describe('Σ lines[].amount: refunded without tax, in minor units.'),
  tax: z.number().int().describe('Σ lines[].tax: refunded tax, in minor units.'),
  total_amount: z.number().int().describe("subtotal + tax: the refund's amount, in minor units."),
  is_partial: z.boolean().describe("True when the refund returned less than the payment's total_amount."),
});
