import { BillingError, notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import { checkMetadata } from '../shared/metadata.js';
import { type Page, type PageRequest, pageWindow, toPage } from '../shared/paging.js';
import {
  findCustomer,
  findOldestCustomerByEmail,
  findPaymentMethod,
  insertCustomer,
  insertPaymentMethod,
  listCustomers,
  listPaymentMethods,
  nextCustomerSequence,
  setPaymentMethodFailureCode,
  updateCustomerRow,
} from './repo.js';
import { normalizeEmail, normalizeName, normalizePhone } from '../rules/customer-details.js';
import { describeTestCard, TEST_FAILURE_CODES, type TestFailureCode } from './test-cards.js';
import type { CardInput, Customer, CustomerChanges, CustomerFilter, NewCustomer, PaymentMethod } from './types.js';

/** Customers and their saved payment methods (SPEC §1.6). Emits no webhooks; never deletes a customer. */
export class CustomerService {
  constructor(private readonly scope: Scope) {}

  async get(customerId: string): Promise<Customer> {
    const customer = await this.find(customerId);
    if (!customer) throw notFound('customer', customerId, 'list_customers');
    return customer;
  }

  /** The customer, or undefined when the business has no such id (read once per due-work batch). */
  find(customerId: string): Promise<Customer | undefined> {
    return findCustomer(this.scope.db, this.scope.businessId, customerId);
  }

  /** Newest first. `email` matches exactly after lower-casing. */
  async list(filter: CustomerFilter = {}, page?: PageRequest): Promise<Page<Customer>> {
    const window = pageWindow(page);
    const email = filter.email === undefined ? undefined : filter.email.trim().toLowerCase();
    return toPage(window, await listCustomers(this.scope.db, this.scope.businessId, { email }, window));
  }

  /**
   * The customer a purchase with this email belongs to: the oldest one with that email, or undefined.
   * One customer per email across payments and subscriptions unless the checkout sets
   * always_create_new_customer (SPEC §1.6), so a second customer for an email never captures later sales.
   * An email that is not an address matches nobody.
   */
  async findByEmail(email: string): Promise<Customer | undefined> {
    return findOldestCustomerByEmail(this.scope.db, this.scope.businessId, email.trim().toLowerCase());
  }

  /**
   * Always creates a new customer, even when the email is taken (checkout uses findByEmail first). The
   * customer gets an empty wallet per supported currency (USD, INR), balance 0, in the same transaction.
   */
  async create(input: NewCustomer): Promise<Customer> {
    const email = normalizeEmail(input.email);
    const name = normalizeName(input.name);
    const phone_number = normalizePhone(input.phone_number ?? null);
    const metadata = checkMetadata(input.metadata);
    return this.scope.transaction(async (tx) => {
      const now = tx.clock.now();
      const customer_id = tx.ids.next('customer');
      await insertCustomer(tx.db, {
        customer_id,
        business_id: tx.businessId,
        email,
        name,
        phone_number,
        metadata: JSON.stringify(metadata),
        sequence: await nextCustomerSequence(tx.db, tx.businessId),
        created_at: now,
        updated_at: now,
      });
      await tx.wallets.open(customer_id, now);
      return tx.customers.get(customer_id);
    });
  }

  /** PATCH semantics: omitted fields stay, phone_number null clears it, metadata replaces the whole map. */
  async update(customerId: string, changes: CustomerChanges): Promise<Customer> {
    const email = changes.email === undefined ? undefined : normalizeEmail(changes.email);
    const name = changes.name === undefined ? undefined : normalizeName(changes.name);
    const phone_number = changes.phone_number === undefined ? undefined : normalizePhone(changes.phone_number);
    const metadata = changes.metadata === undefined ? undefined : checkMetadata(changes.metadata);
    return this.scope.transaction(async (tx) => {
      await tx.customers.get(customerId);
      await updateCustomerRow(tx.db, customerId, {
        ...(email !== undefined && { email }),
        ...(name !== undefined && { name }),
        ...(phone_number !== undefined && { phone_number }),
        ...(metadata !== undefined && { metadata: JSON.stringify(metadata) }),
        updated_at: tx.clock.now(),
      });
      return tx.customers.get(customerId);
    });
  }

  /**
   * Saves a card for the customer, as a completed checkout does. Only brand, last four, expiry and
   * country are kept (never the number or CVC), plus the test card's verdict (SPEC §5): 4242… saves
   * a method that succeeds, 4000 0000 0000 0002 one whose charges fail with CARD_DECLINED. A non-Luhn
   * number or a past expiry is INVALID_REQUEST_BODY and saves nothing.
   */
  async createPaymentMethod(customerId: string, card: CardInput): Promise<PaymentMethod> {
    if (card.cvc !== undefined && !/^\d{3,4}$/.test(card.cvc)) {
      throw new BillingError('INVALID_REQUEST_BODY', 'cvc must be 3 or 4 digits', 'any 3 digits work in test mode, e.g. 123');
    }
    return this.scope.transaction(async (tx) => {
      await tx.customers.get(customerId);
      const now = tx.clock.now();
      const described = describeTestCard(card.number, card.exp_month, card.exp_year, now);
      const payment_method_id = tx.ids.next('paymentMethod');
      await insertPaymentMethod(tx.db, {
        payment_method_id,
        customer_id: customerId,
        type: 'card',
        card_brand: described.brand,
        card_last4: described.last4,
        card_exp_month: card.exp_month,
        card_exp_year: described.exp_year,
        card_country: described.country,
        test_failure_code: described.failure_code,
        created_at: now,
      });
      return tx.customers.getPaymentMethod(customerId, payment_method_id);
    });
  }

  /** The customer's saved methods, newest first (a customer has a handful, so the list is not paged). */
  async listPaymentMethods(customerId: string): Promise<PaymentMethod[]> {
    await this.get(customerId);
    return listPaymentMethods(this.scope.db, customerId);
  }

  /**
   * A saved method that a charge for this customer may use: unknown ids are NOT_FOUND, and a method
   * of another customer is INVALID_REQUEST_PARAMETERS (a charge requires that it belongs, SPEC §1.6).
   */
  async getPaymentMethod(customerId: string, paymentMethodId: string): Promise<PaymentMethod> {
    await this.get(customerId);
    return this.paymentMethodOf(customerId, paymentMethodId);
  }

  /** getPaymentMethod for a customer the caller has just read (it exists): the method's checks only. */
  async paymentMethodOf(customerId: string, paymentMethodId: string): Promise<PaymentMethod> {
    const method = await findPaymentMethod(this.scope.db, this.scope.businessId, paymentMethodId);
    if (!method) {
      throw new BillingError(
        'NOT_FOUND',
        `no payment method ${paymentMethodId}`,
        `list_customer_payment_methods for ${customerId} shows its saved methods`,
      );
    }
    if (method.customer_id !== customerId) {
      throw new BillingError(
        'INVALID_REQUEST_PARAMETERS',
        `payment method ${paymentMethodId} belongs to another customer, not ${customerId}`,
        `use one of the methods list_customer_payment_methods shows for ${customerId}`,
      );
    }
    return method;
  }

  /**
   * Test mode (SPEC §5, PROPOSED): makes every later charge on a saved method fail with `failureCode`,
   * or succeed again with null, so renewals can fail and put subscriptions on hold.
   */
  async setPaymentMethodFailure(paymentMethodId: string, failureCode: TestFailureCode | null): Promise<PaymentMethod> {
    if (failureCode !== null && !(TEST_FAILURE_CODES as readonly string[]).includes(failureCode)) {
      throw new BillingError(
        'INVALID_REQUEST_BODY',
        `unknown failure code ${String(failureCode)}`,
        `use one of ${TEST_FAILURE_CODES.join(', ')}, or null to succeed`,
      );
    }
    return this.scope.transaction(async (tx) => {
      const method = await findPaymentMethod(tx.db, tx.businessId, paymentMethodId);
      if (!method) {
        throw new BillingError('NOT_FOUND', `no payment method ${paymentMethodId}`, 'list_customer_payment_methods shows a customer’s saved methods');
      }
      await setPaymentMethodFailureCode(tx.db, paymentMethodId, failureCode);
      return { ...method, test_failure_code: failureCode };
    });
  }
}
