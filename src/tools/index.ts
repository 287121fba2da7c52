import { createAddon } from './addons/create-addon.js';
import { getAddon } from './addons/get-addon.js';
import { listAddons } from './addons/list-addons.js';
import { updateAddon } from './addons/update-addon.js';
import { createBrand } from './brands/create-brand.js';
import { getBrand } from './brands/get-brand.js';
import { listBrands } from './brands/list-brands.js';
import { updateBrand } from './brands/update-brand.js';
import { completeCheckoutSession } from './checkout/complete-checkout-session.js';
import { createCheckoutSession } from './checkout/create-checkout-session.js';
import { getCheckoutSession } from './checkout/get-checkout-session.js';
import { addCollectionItems } from './collections/add-collection-items.js';
import { archiveProductCollection } from './collections/archive-product-collection.js';
import { createCollectionGroup } from './collections/create-collection-group.js';
import { createProductCollection } from './collections/create-product-collection.js';
import { deleteCollectionGroup } from './collections/delete-collection-group.js';
import { getProductCollection } from './collections/get-product-collection.js';
import { listCollectionProducts } from './collections/list-collection-products.js';
import { listProductCollections } from './collections/list-product-collections.js';
import { removeCollectionItem } from './collections/remove-collection-item.js';
import { unarchiveProductCollection } from './collections/unarchive-product-collection.js';
import { updateCollectionGroup } from './collections/update-collection-group.js';
import { updateCollectionItem } from './collections/update-collection-item.js';
import { updateProductCollection } from './collections/update-product-collection.js';
import { createCustomer } from './customers/create-customer.js';
import { createCustomerPortalSession } from './customers/create-customer-portal-session.js';
import { getCustomer } from './customers/get-customer.js';
import { listCustomerPaymentMethods } from './customers/list-customer-payment-methods.js';
import { listCustomers } from './customers/list-customers.js';
import { setPaymentMethodTestBehavior } from './customers/set-payment-method-test-behavior.js';
import { updateCustomer } from './customers/update-customer.js';
import type { ToolDefinition } from './define-tool.js';
import { createDiscount } from './discounts/create-discount.js';
import { deleteDiscount } from './discounts/delete-discount.js';
import { getDiscount } from './discounts/get-discount.js';
import { getDiscountByCode } from './discounts/get-discount-by-code.js';
import { listDiscounts } from './discounts/list-discounts.js';
import { updateDiscount } from './discounts/update-discount.js';
import { validateDiscount } from './discounts/validate-discount.js';
import { activateLicense } from './licenses/activate-license.js';
import { deactivateLicense } from './licenses/deactivate-license.js';
import { getLicenseKey } from './licenses/get-license-key.js';
import { getLicenseKeyInstance } from './licenses/get-license-key-instance.js';
import { listLicenseKeyInstances } from './licenses/list-license-key-instances.js';
import { listLicenseKeys } from './licenses/list-license-keys.js';
import { updateLicenseKey } from './licenses/update-license-key.js';
import { updateLicenseKeyInstance } from './licenses/update-license-key-instance.js';
import { validateLicense } from './licenses/validate-license.js';
import { archiveMeter } from './meters/archive-meter.js';
import { createMeter } from './meters/create-meter.js';
import { getMeter } from './meters/get-meter.js';
import { listMeters } from './meters/list-meters.js';
import { unarchiveMeter } from './meters/unarchive-meter.js';
import { createPayment } from './payments/create-payment.js';
import { getPayment } from './payments/get-payment.js';
import { getPaymentInvoice } from './payments/get-payment-invoice.js';
import { getPaymentLineItems } from './payments/get-payment-line-items.js';
import { listPayments } from './payments/list-payments.js';
import { archiveProduct } from './products/archive-product.js';
import { createProduct } from './products/create-product.js';
import { getProduct } from './products/get-product.js';
import { listProducts } from './products/list-products.js';
import { unarchiveProduct } from './products/unarchive-product.js';
import { updateProduct } from './products/update-product.js';
import { createRefund } from './refunds/create-refund.js';
import { getRefund } from './refunds/get-refund.js';
import { getRefundReceipt } from './refunds/get-refund-receipt.js';
import { listRefunds } from './refunds/list-refunds.js';
import { getBusinessSettings } from './settings/get-business-settings.js';
import { updateBusinessSettings } from './settings/update-business-settings.js';
import { cancelScheduledPlanChange } from './subscriptions/cancel-scheduled-plan-change.js';
import { cancelSubscription } from './subscriptions/cancel-subscription.js';
import { changeSubscriptionPlan } from './subscriptions/change-subscription-plan.js';
import { chargeSubscription } from './subscriptions/charge-subscription.js';
import { createSubscription } from './subscriptions/create-subscription.js';
import { getSubscription } from './subscriptions/get-subscription.js';
import { listPlanChangeOptions } from './subscriptions/list-plan-change-options.js';
import { listSubscriptions } from './subscriptions/list-subscriptions.js';
import { previewSubscriptionPlanChange } from './subscriptions/preview-subscription-plan-change.js';
import { updateSubscription } from './subscriptions/update-subscription.js';
import { updateSubscriptionPaymentMethod } from './subscriptions/update-subscription-payment-method.js';
import { advanceTestClock } from './test-clock/advance-test-clock.js';
import { getTestClock } from './test-clock/get-test-clock.js';
import { getUsageEvent } from './usage/get-usage-event.js';
import { getUsageHistory } from './usage/get-usage-history.js';
import { ingestUsageEvents } from './usage/ingest-usage-events.js';
import { listUsageEvents } from './usage/list-usage-events.js';
import { createWalletLedgerEntry } from './wallets/create-wallet-ledger-entry.js';
import { getCustomerWallets } from './wallets/get-customer-wallets.js';
import { listWalletLedgerEntries } from './wallets/list-wallet-ledger-entries.js';
import { createWebhook } from './webhooks/create-webhook.js';
import { deleteWebhook } from './webhooks/delete-webhook.js';
import { getWebhook } from './webhooks/get-webhook.js';
import { getWebhookDelivery } from './webhooks/get-webhook-delivery.js';
import { getWebhookHeaders } from './webhooks/get-webhook-headers.js';
import { getWebhookSecret } from './webhooks/get-webhook-secret.js';
import { listWebhookDeliveries } from './webhooks/list-webhook-deliveries.js';
import { listWebhooks } from './webhooks/list-webhooks.js';
import { retryWebhookDelivery } from './webhooks/retry-webhook-delivery.js';
import { rotateWebhookSecret } from './webhooks/rotate-webhook-secret.js';
import { sendTestWebhook } from './webhooks/send-test-webhook.js';
import { updateWebhook } from './webhooks/update-webhook.js';
import { updateWebhookHeaders } from './webhooks/update-webhook-headers.js';

/** Every tool, in the order clients list them. The one registry: filters, docs and tests all read it. */
export const ALL_TOOLS: readonly ToolDefinition[] = [
  // products
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
  archiveProduct,
  unarchiveProduct,
  // collections
  createProductCollection,
  getProductCollection,
  listProductCollections,
  updateProductCollection,
  archiveProductCollection,
  unarchiveProductCollection,
  createCollectionGroup,
  updateCollectionGroup,
  deleteCollectionGroup,
  addCollectionItems,
  updateCollectionItem,
  removeCollectionItem,
  listCollectionProducts,
  // addons
  createAddon,
  getAddon,
  listAddons,
  updateAddon,
  // brands
  createBrand,
  getBrand,
  listBrands,
  updateBrand,
  // settings
  getBusinessSettings,
  updateBusinessSettings,
  // discounts
  createDiscount,
  getDiscount,
  getDiscountByCode,
  listDiscounts,
  updateDiscount,
  deleteDiscount,
  validateDiscount,
  // customers
  createCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
  listCustomerPaymentMethods,
  setPaymentMethodTestBehavior,
  createCustomerPortalSession,
  // wallets
  getCustomerWallets,
  createWalletLedgerEntry,
  listWalletLedgerEntries,
  // checkout
  createCheckoutSession,
  getCheckoutSession,
  completeCheckoutSession,
  // payments
  createPayment,
  getPayment,
  listPayments,
  getPaymentLineItems,
  getPaymentInvoice,
  // refunds
  createRefund,
  getRefund,
  listRefunds,
  getRefundReceipt,
  // subscriptions
  createSubscription,
  getSubscription,
  listSubscriptions,
  updateSubscription,
  cancelSubscription,
  updateSubscriptionPaymentMethod,
  chargeSubscription,
  // plan changes
  listPlanChangeOptions,
  previewSubscriptionPlanChange,
  changeSubscriptionPlan,
  cancelScheduledPlanChange,
  // test clock
  getTestClock,
  advanceTestClock,
  // meters
  createMeter,
  getMeter,
  listMeters,
  archiveMeter,
  unarchiveMeter,
  // usage
  ingestUsageEvents,
  getUsageEvent,
  listUsageEvents,
  getUsageHistory,
  // licenses
  validateLicense,
  activateLicense,
  deactivateLicense,
  getLicenseKey,
  listLicenseKeys,
  updateLicenseKey,
  getLicenseKeyInstance,
  listLicenseKeyInstances,
  updateLicenseKeyInstance,
  // webhooks
  createWebhook,
  getWebhook,
  listWebhooks,
  updateWebhook,
  deleteWebhook,
  getWebhookSecret,
  rotateWebhookSecret,
  getWebhookHeaders,
  updateWebhookHeaders,
  listWebhookDeliveries,
  getWebhookDelivery,
  retryWebhookDelivery,
  sendTestWebhook,
];
