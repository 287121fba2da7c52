/** A brand is the storefront identity products are sold under; one primary brand exists from the start. */
export interface Brand {
  brand_id: string;
  business_id: string;
  name: string;
  description: string | null;
  url: string | null;
  image: string | null;
  statement_descriptor: string | null;
  support_email: string | null;
  enabled: boolean;
  /** Test mode verifies at once: "Success". */
  verification_status: string;
  is_primary: boolean;
  created_at: string;
  updated_at: string;
}

export interface BrandInput {
  name?: string | undefined;
  description?: string | null | undefined;
  url?: string | null | undefined;
  image?: string | null | undefined;
  statement_descriptor?: string | null | undefined;
  support_email?: string | null | undefined;
  enabled?: boolean | undefined;
}
