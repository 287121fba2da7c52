/**
 * Errors a caller can act on. Codes are the Dodo Payments API's (api-reference/error-codes), so an
 * assistant that knows that API can branch on them; NOT_FOUND and INVALID_REQUEST_BODY cover the generic
 * cases (SPEC D1). Bugs are plain `Error`s and never become a BillingError.
 */
export const ERROR_CODES = [
  'ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT',
  'ADDONS_IN_USAGE_BASED_BILLING_NOT_SUPPORTED',
  'ADDONS_NOT_ALLOWED_FOR_ON_DEMAND',
  'BRAND_MISMATCH',
  'BRAND_NOT_ENABLED',
  'CHARGE_NOT_ALLOWED_FOR_SCHEDULED_CANCELLATION',
  'CHECKOUT_SESSION_CONSUMED',
  'CONFLICT',
  'DATABASE_BUSY',
  'DISCOUNT_CODE_ALREADY_EXISTS',
  'DISCOUNT_CODE_EXPIRED',
  'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED',
  'DISCOUNT_NOT_AVAILABLE_FOR_ON_DEMAND',
  'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT',
  'DUPLICATE_LINE_ITEMS_IN_REQUEST',
  'DUPLICATE_METER_IDS_IN_REQUEST',
  'EXISTING_REFUND_REQUEST_PROCESSING',
  'FORBIDDEN',
  'INACTIVE_LICENSE_KEY',
  'INACTIVE_SUBSCRIPTION_PLAN_CHANGE_NOT_SUPPORTED',
  'INSUFFICIENT_WALLET_FUNDS',
  'INTERNAL_SERVER_ERROR',
  'INVALID_DISCOUNT_CODE',
  'INVALID_PERCENTAGE',
  'INVALID_QUANTITY',
  'INVALID_REQUEST_BODY',
  'INVALID_REQUEST_PARAMETERS',
  'INVALID_SUGGESTED_PRICE',
  'INVALID_TAX_ID',
  'LICENSE_KEY_LIMIT_REACHED',
  'LICENSE_KEY_NOT_FOUND',
  'LINE_ITEM_FULLY_REFUNDED',
  'LINE_ITEM_NOT_FOUND',
  'LINE_ITEM_PRORATED',
  'LINE_ITEM_REFUND_AMOUNT_TOO_HIGH',
  'LINE_ITEM_REFUND_AMOUNT_TOO_LOW',
  'MAXIMUM_KEYS_REACHED',
  'METER_IS_DELETED',
  'MISSING_ADDON_IDS',
  'MISSING_METER_IDS',
  'MISSING_PRODUCT_INFORMATION',
  'NEGATIVE_BALANCE_ADJUSTMENT',
  'NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS',
  'NOT_FOUND',
  'ON_DEMAND_PLAN_CHANGE_NOT_SUPPORTED',
  'ON_DEMAND_SUBSCRIPTIONS_NOT_ENABLED',
  'ON_DEMAND_USAGE_BASED_BILLING_NOT_SUPPORTED',
  'PAY_AS_YOU_WANT_AMOUNT_REQUIRED',
  'PAYMENT_ALREADY_REFUNDED',
  'PAYMENT_NOT_SUCCEEDED',
  'PLAN_CHANGE_NOT_ALLOWED_FOR_SCHEDULED_CANCELLATION',
  'PREVIOUS_PAYMENT_PENDING',
  'PRODUCT_CART_EMPTY',
  'PRODUCT_IS_DELETED',
  'REFUND_AMOUNT_EXCEEDS_PAID_AMOUNT',
  'REFUND_WINDOW_EXPIRED',
  'REQUEST_AMOUNT_BELOW_MINIMUM',
  'SUBSCRIPTION_EXPIRED',
  'SUBSCRIPTION_INACTIVE',
  'SUBSCRIPTION_NOT_ON_DEMAND',
  'TOO_MANY_REQUESTS',
  'TOTAL_PAYMENT_AMOUNT_BELOW_MINIMUM_AMOUNT',
  'UNABLE_TO_EDIT_PRIMARY_BRAND',
  'UNAUTHORIZED',
  'UNSUPPORTED_ACTION',
  'UNSUPPORTED_COUNTRY',
  'UNSUPPORTED_CURRENCY',
  'UNSUPPORTED_DISCOUNT_TYPE',
  'UNSUPPORTED_TAX_CATEGORY',
  'ZERO_AMOUNT_PAYMENT_REFUND_NOT_ALLOWED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class BillingError extends Error {
  override readonly name = 'BillingError';

  /**
   * @param code  the stable code callers branch on
   * @param message  what is wrong, naming the values involved
   * @param nextStep  what to do about it ("list_products shows existing ids")
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly nextStep?: string,
  ) {
    super(message);
  }
}

/** HTTP status for a code, for the JSON endpoints (SPEC global conventions, PROPOSED map). */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_REQUEST_BODY':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
    case 'INACTIVE_LICENSE_KEY':
      return 403;
    case 'NOT_FOUND':
    case 'LICENSE_KEY_NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'CHECKOUT_SESSION_CONSUMED':
    case 'EXISTING_REFUND_REQUEST_PROCESSING':
    case 'PREVIOUS_PAYMENT_PENDING':
    case 'DISCOUNT_CODE_ALREADY_EXISTS':
      return 409;
    case 'TOO_MANY_REQUESTS':
      return 429;
    case 'INTERNAL_SERVER_ERROR':
      return 500;
    case 'DATABASE_BUSY':
      return 503;
    default:
      return 422;
  }
}

export function notFound(kind: string, id: string, listTool: string): BillingError {
  return new BillingError('NOT_FOUND', `no ${kind} ${id}`, `${listTool} shows the existing ids`);
}

/**
 * The code a database driver's error carries, or undefined: a SQLSTATE from PostgreSQL ('40P01' deadlock,
 * '55P03' lock timeout), SQLITE_BUSY and its kin from SQLite, a socket's ECONNRESET.
 */
export function driverErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
