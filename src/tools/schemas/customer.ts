import { z } from 'zod';
import { CARD_BRANDS, TEST_FAILURE_CODES } from '../../engine/index.js';
import { idOf, isoInstant, metadataSchema } from './common.js';

export const customerSchema = z.object({
  customer_id: z.string().describe('The customer id (cus_…).'),
  business_id: z.string().describe('The business the customer belongs to (bus_…).'),
  email: z.string().describe('Email in lower case; purchases with this email attach to the oldest customer holding it.'),
  name: z.string().describe('Full name.'),
  phone_number: z.string().nullable().describe('Phone number, or null.'),
  metadata: metadataSchema,
  created_at: isoInstant,
  updated_at: isoInstant,
});

/** The fields create_customer and update_customer share (update makes them all optional). */
export const customerFields = {
  email: z.string().min(3).max(254).describe('Stored in lower case.'),
  name: z.string().min(1).max(100).describe('Full name.'),
  phone_number: z.string().max(30).nullable().describe('7–15 digits, e.g. +14155550123; null or "" clears it.'),
  metadata: metadataSchema,
};

export const testFailureCodeSchema = z
  .enum(TEST_FAILURE_CODES)
  .describe('A transaction failure code: CARD_DECLINED, INSUFFICIENT_FUNDS, EXPIRED_CARD, STOLEN_CARD …');

export const paymentMethodSchema = z.object({
  payment_method_id: z.string().describe('The payment method id (pm_…).'),
  customer_id: z.string().describe('The customer it belongs to (cus_…); only their charges may use it.'),
  type: z.literal('card').describe('Always card in the embedded engine.'),
  card: z
    .object({
      brand: z.enum(CARD_BRANDS).describe('Card network: Visa, Mastercard, AmericanExpress, RuPay …'),
      last4: z.string().describe('Last four digits of the card number.'),
      exp_month: z.number().int().describe('Expiry month, 1–12.'),
      exp_year: z.number().int().describe('Expiry year, four digits.'),
      country: z.string().describe('Issuing country, ISO-2 (US, IN).'),
    })
    .describe('What is kept of the card; never the full number or CVC.'),
  test_failure_code: testFailureCodeSchema
    .nullable()
    .describe('Test mode: null when charges on this method succeed, else the code every charge fails with.'),
  created_at: isoInstant,
});

export const customerIdInput = idOf('customer', 'cus');
