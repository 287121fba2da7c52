import { z } from 'zod';
import { ENTRY_TYPES, LEDGER_EVENT_TYPES } from '../../engine/index.js';
import { currencySchema, isoInstant } from './common.js';

export const walletSchema = z.object({
  customer_id: z.string().describe('The customer (cus_…).'),
  currency: currencySchema,
  balance: z.number().int().describe('Credit available, in minor units (cents, paise): 6000 = $60.00. Never below 0.'),
  created_at: isoInstant,
  updated_at: isoInstant,
});

export const customerWalletsSchema = z.object({
  items: z.array(walletSchema).describe('One wallet per supported currency: USD, then INR.'),
  total_balance_usd: z.number().int().describe('All balances in US cents, INR converted at the fixed test-mode rate 1 USD = 83 INR, half up.'),
});

export const ledgerEntrySchema = z.object({
  id: z.string().describe('The ledger entry id (wle_…).'),
  customer_id: z.string().describe('The customer (cus_…).'),
  currency: currencySchema,
  amount: z.number().int().describe('Minor units moved, always > 0; is_credit gives the direction.'),
  is_credit: z.boolean().describe('True when the entry added to the balance, false when it took from it.'),
  before_balance: z.number().int().describe('Balance before the entry, minor units.'),
  after_balance: z.number().int().describe('Balance after the entry, minor units.'),
  event_type: z
    .enum(LEDGER_EVENT_TYPES)
    .describe('What moved the wallet: merchant_adjustment for manual credits and debits, payment when credit paid a charge …'),
  reason: z.string().nullable().describe('Why, as given with the entry.'),
  reference_object_id: z.string().nullable().describe('The payment, refund or dispute behind the entry, or null.'),
  idempotency_key: z.string().nullable().describe('The key the entry was created with, or null.'),
  created_at: isoInstant,
});

export const entryTypeSchema = z.enum(ENTRY_TYPES).describe('credit adds to the balance; debit takes from it.');
