export const LICENSE_KEY_STATUSES = ['active', 'expired', 'disabled'] as const;
/** Derived on read: disabled wins, then expired (expires_at ≤ now, or its subscription has ended), else active. */
export type LicenseKeyStatus = (typeof LICENSE_KEY_STATUSES)[number];

/** A license key as the Dodo API shows it (SPEC §1.16). */
export interface LicenseKey {
  id: string;
  key: string;
  business_id: string;
  customer_id: string;
  product_id: string;
  payment_id: string | null;
  subscription_id: string | null;
  status: LicenseKeyStatus;
  /** null = unlimited activations. */
  activations_limit: number | null;
  instances_count: number;
  /** ISO-8601; null = never expires (subscription keys follow their subscription instead). */
  expires_at: string | null;
  source: 'auto' | 'import';
  created_at: string;
}

export interface LicenseKeyInstance {
  id: string;
  license_key_id: string;
  name: string;
  business_id: string;
  created_at: string;
}

/** What activate returns: the new instance with the product and customer it licenses (changelog v1.53.2). */
export interface ActivatedInstance extends LicenseKeyInstance {
  product: { product_id: string; name: string };
  customer: { customer_id: string; email: string; name: string };
}

export const VALIDATION_REASONS = ['unknown', 'disabled', 'expired', 'instance_not_found', 'subscription_inactive'] as const;
export type ValidationReason = (typeof VALIDATION_REASONS)[number];

export interface LicenseValidation {
  valid: boolean;
  /** Why not, when valid is false. */
  reason?: ValidationReason;
  /** The key, when it exists. */
  license_key?: LicenseKey;
}

export interface ValidateLicenseInput {
  license_key: string;
  license_key_instance_id?: string | undefined;
}

export interface ActivateLicenseInput {
  license_key: string;
  name: string;
}

export interface DeactivateLicenseInput {
  license_key: string;
  license_key_instance_id: string;
}

export interface LicenseKeyFilter {
  customer_id?: string | undefined;
  product_id?: string | undefined;
  status?: LicenseKeyStatus | undefined;
  /** The keys one payment issued. */
  payment_id?: string | undefined;
}

export interface LicenseKeyUpdate {
  /** null removes the limit; never below instances_count. */
  activations_limit?: number | null | undefined;
  disabled?: boolean | undefined;
  /** ISO-8601 instant, or null for never; not on subscription keys. */
  expires_at?: string | null | undefined;
}

export interface LicenseKeyInstanceFilter {
  license_key_id?: string | undefined;
}
