import { z } from 'zod';
import { PAYMENT_STATUSES } from '../../engine/index.js';
import { currencySchema, isoInstant, metadataSchema } from './common.js';

export const paymentStatusSchema = z.enum(PAYMENT_STATUSES).describe('processing, succeeded, failed or cancelled.');

export const billingAddressInput = z
  .strictObject({
    country: z.string().describe('ISO 3166-1 alpha-2, e.g. US.'),
    street: z.string().max(200).nullable().optional().describe('Street and number.'),
    city: z.string().max(100).nullable().optional().describe('City.'),
    state: z.string().max(100).nullable().optional().describe('State or region.'),
    zipcode: z.string().max(20).nullable().optional().describe('Postal code.'),
  })
  .describe('Billing address; country is required.');

export const billingAddressSchema = z
  .object({
    country: z.string().describe('ISO-2 country code.'),
    street: z.string().nullable().describe('Street, or null.'),
    city: z.string().nullable().describe('City, or null.'),
    state: z.string().nullable().describe('State, or null.'),
    zipcode: z.string().nullable().describe('Postal code, or null.'),
  })
  .describe('Billing address as stored.');

const minor = (what: string) => z.number().int().describe(`${what}, minor units (cents): 3000 = $30.00.`);

export const paymentSchema = z.object({
  payment_id: z.string().describe('The payment id (pay_…).'),
  business_id: z.string().describe('The business (bus_…).'),
  brand_id: z.string().describe('The brand the purchase was made under (brnd_…).'),
  customer: z
    .object({
      customer_id: z.string().describe('The customer id (cus_…).'),
      email: z.string().describe('Customer email.'),
      name: z.string().describe('Customer name.'),
    })
    .describe('Who paid.'),
  billing: billingAddressSchema.nullable().describe('Billing address, or null when none was given.'),
  currency: currencySchema,
  subtotal: minor('Sum of the lines after discounts, before tax'),
  tax: minor('Tax on all lines'),
  total_amount: minor('What was charged: subtotal + tax'),
  status: paymentStatusSchema,
  error_code: z.string().nullable().describe('Why a failed payment failed: CARD_DECLINED, INSUFFICIENT_FUNDS …; null otherwise.'),
  error_message: z.string().nullable().describe('Readable failure reason, or null.'),
  payment_method_id: z.string().nullable().describe('The saved method charged (pm_…).'),
  payment_method_type: z.string().nullable().describe('Method type: card.'),
  card_last_four: z.string().nullable().describe('Last four digits of the card.'),
  card_network: z.string().nullable().describe('Card network: Visa, Mastercard …'),
  product_cart: z
    .array(z.object({ product_id: z.string().describe('Product id (pdt_…).'), quantity: z.number().int().describe('Units bought.') }))
    .nullable()
    .describe('Products of a one-time purchase; null for subscription payments.'),
  subscription_id: z.string().nullable().describe('The subscription this pays for, or null.'),
  checkout_session_id: z.string().nullable().describe('The checkout session it came from (cks_…), or null.'),
  discount_id: z.string().nullable().describe('The discount code applied (dsc_…), or null.'),
  invoice_id: z.string().nullable().describe('The invoice (inv_…) of a succeeded payment; null otherwise.'),
  refund_status: z.enum(['partial', 'full']).nullable().describe('partial or full once refunds exist; null before.'),
  refunds: z
    .array(
      z.object({
        refund_id: z.string(),
        amount: z.number().int(),
        currency: z.string(),
        status: z.string(),
        is_partial: z.boolean(),
        created_at: z.string(),
      }),
    )
    .describe('Every refund of this payment, oldest first; amounts in minor units.'),
  metadata: metadataSchema,
  created_at: isoInstant,
  updated_at: isoInstant,
});

export const paymentLineItemSchema = z.object({
  item_id: z.string().describe('The product (pdt_…) or addon (adn_…) the line bills; refunds name lines by it.'),
  kind: z.enum(['product', 'addon', 'meter']).describe('product, addon, or meter (usage billed in arrears).'),
  name: z.string().describe('Name at the time of purchase.'),
  quantity: z.number().int().describe('Units.'),
  unit_price: minor('Price per unit (the chosen amount for pay-what-you-want; negative on a plan-change credit line)'),
  gross_amount: minor('unit_price × quantity (× proration_factor on a plan-change line, half up)'),
  discount_amount: minor('Product discount, discount code and credits'),
  amount: minor('After discounts, without tax'),
  tax: minor('Tax on the line'),
  is_prorated: z.boolean().describe('True for plan-change adjustment lines: refunded only with the whole payment.'),
  proration_factor: z.string().nullable().describe('Fraction of the period billed, e.g. "0.666667"; null when not prorated.'),
  refunded_amount: minor('Refunded so far, tax included'),
});

export const paymentLineItemsSchema = z.object({
  payment_id: z.string().describe('The payment (pay_…).'),
  currency: currencySchema,
  items: z.array(paymentLineItemSchema).describe('Lines in billing order.'),
});

export const invoiceSchema = z.object({
  invoice_id: z.string().describe('The invoice id (inv_…).'),
  number: z.number().int().describe('Sequential per business: 1, 2, 3 …, never reused.'),
  payment_id: z.string().describe('The payment it documents (pay_…).'),
  status: z.literal('paid').describe('Always paid: invoices exist for succeeded payments only.'),
  issued_at: isoInstant,
  currency: currencySchema,
  business_id: z.string().describe('The business (bus_…).'),
  brand: z
    .object({
      brand_id: z.string().describe('Brand id.'),
      name: z.string().describe('Brand name.'),
      url: z.string().nullable().describe('Brand website.'),
      support_email: z.string().nullable().describe('Support address.'),
    })
    .describe('The seller.'),
  customer: paymentSchema.shape.customer,
  billing: billingAddressSchema.nullable().describe('Billing address, or null.'),
  payment_method: z
    .object({
      type: z.string().nullable().describe('card.'),
      card_network: z.string().nullable().describe('Visa, Mastercard …'),
      card_last_four: z.string().nullable().describe('Last four digits.'),
    })
    .describe('How it was paid.'),
  lines: z
    .array(
      z.object({
        item_id: z.string().describe('Product or addon id.'),
        kind: z.enum(['product', 'addon', 'meter']).describe('product, addon, or meter (usage billed in arrears).'),
        name: z.string().describe('Line name.'),
        quantity: z.number().int().describe('Units.'),
        unit_price: minor('Price per unit'),
        gross_amount: minor('unit_price × quantity'),
        discount_amount: minor('Discounts on the line'),
        amount: minor('After discounts, without tax'),
        tax: minor('Tax on the line'),
        total: minor('amount + tax'),
      }),
    )
    .describe('Lines as charged; their totals add up to total_amount.'),
  subtotal: minor('Σ line amounts'),
  discount_amount: minor('Σ line discounts'),
  tax_rate_bps: z.number().int().describe('Tax rate in basis points: 1800 = 18 %.'),
  tax: minor('Σ line tax'),
  total_amount: minor('subtotal + tax'),
  subscription_id: z.string().nullable().describe('The subscription billed, or null.'),
  period: z
    .object({ start: isoInstant, end: isoInstant })
    .nullable()
    .describe('The billing period a subscription invoice covers; null for one-time purchases.'),
});

/** A payment in a list: who paid what, for what, and how it ended; get_payment has the rest. */
export const paymentSummarySchema = paymentSchema.pick({
  payment_id: true,
  status: true,
  customer: true,
  currency: true,
  total_amount: true,
  subscription_id: true,
  checkout_session_id: true,
  invoice_id: true,
  refund_status: true,
  error_code: true,
  created_at: true,
});
