import type { ToolDefinition } from './define-tool.js';

/**
 * A named set of tools for one job, the way github-mcp-server groups its tools. Every tool is in exactly
 * one set. `core` are the set's tools in the default selection: together they do the main jobs end to end
 * (build a catalog and a collection, sell through checkout, change plans with a preview, meter usage,
 * check licenses, move the test clock) in at most 40 tools, because Cursor sends a model only its first 40,
 * and within 45,000 bytes of tools/list: each job's entry tools and the reads it needs, no more.
 */
export interface Toolset {
  name: string;
  description: string;
  /** Every tool of the set, in the order clients list them. */
  tools: readonly string[];
  /** The set's tools in the default selection, a subset of `tools`. */
  core: readonly string[];
}

export const TOOLSETS: readonly Toolset[] = [
  {
    name: 'catalog',
    description: 'Products, addons and product collections (plans grouped for checkout and plan changes).',
    tools: [
      'create_product',
      'get_product',
      'list_products',
      'update_product',
      'archive_product',
      'unarchive_product',
      'create_product_collection',
      'get_product_collection',
      'list_product_collections',
      'list_collection_products',
      'add_collection_items',
      'update_product_collection',
      'archive_product_collection',
      'unarchive_product_collection',
      'create_collection_group',
      'update_collection_group',
      'delete_collection_group',
      'update_collection_item',
      'remove_collection_item',
      'create_addon',
      'get_addon',
      'list_addons',
      'update_addon',
    ],
    core: ['create_product', 'get_product', 'list_products', 'create_product_collection', 'list_product_collections', 'list_collection_products'],
  },
  {
    name: 'customers',
    description: 'Customers, their saved payment methods, wallets and customer portal links.',
    tools: [
      'create_customer',
      'get_customer',
      'list_customers',
      'update_customer',
      'list_customer_payment_methods',
      'set_payment_method_test_behavior',
      'create_customer_portal_session',
      'get_customer_wallets',
      'create_wallet_ledger_entry',
      'list_wallet_ledger_entries',
    ],
    core: ['create_customer', 'list_customers'],
  },
  {
    name: 'checkout',
    description: 'Checkout sessions, payments, invoices and refunds.',
    tools: [
      'create_checkout_session',
      'get_checkout_session',
      'complete_checkout_session',
      'get_payment',
      'list_payments',
      'create_refund',
      'create_payment',
      'get_payment_line_items',
      'get_payment_invoice',
      'get_refund',
      'list_refunds',
      'get_refund_receipt',
    ],
    core: ['create_checkout_session', 'complete_checkout_session', 'get_payment', 'list_payments', 'create_refund'],
  },
  {
    name: 'subscriptions',
    description: 'Subscriptions and their plan changes: options, previews, changes, cancellation.',
    tools: [
      'get_subscription',
      'list_subscriptions',
      'list_plan_change_options',
      'preview_subscription_plan_change',
      'change_subscription_plan',
      'cancel_subscription',
      'create_subscription',
      'update_subscription',
      'update_subscription_payment_method',
      'charge_subscription',
      'cancel_scheduled_plan_change',
    ],
    core: [
      'get_subscription',
      'list_subscriptions',
      'list_plan_change_options',
      'preview_subscription_plan_change',
      'change_subscription_plan',
      'cancel_subscription',
    ],
  },
  {
    name: 'usage',
    description: 'Meters and usage events for usage-based billing.',
    tools: [
      'create_meter',
      'list_meters',
      'ingest_usage_events',
      'get_usage_history',
      'get_meter',
      'archive_meter',
      'unarchive_meter',
      'get_usage_event',
      'list_usage_events',
    ],
    core: ['create_meter', 'list_meters', 'ingest_usage_events', 'get_usage_history'],
  },
  {
    name: 'licenses',
    description: 'License keys and their activations.',
    tools: [
      'validate_license',
      'activate_license',
      'deactivate_license',
      'list_license_keys',
      'get_license_key',
      'update_license_key',
      'get_license_key_instance',
      'list_license_key_instances',
      'update_license_key_instance',
    ],
    core: ['validate_license', 'activate_license', 'list_license_keys', 'get_license_key'],
  },
  {
    name: 'test_clock',
    description: 'The test clock: read it, move it forward and run what falls due.',
    tools: ['get_test_clock', 'advance_test_clock'],
    core: ['get_test_clock', 'advance_test_clock'],
  },
  {
    name: 'webhooks',
    description: 'Webhook endpoints, their secrets and headers, deliveries and retries.',
    tools: [
      'create_webhook',
      'list_webhook_deliveries',
      'get_webhook',
      'list_webhooks',
      'update_webhook',
      'delete_webhook',
      'get_webhook_secret',
      'rotate_webhook_secret',
      'get_webhook_headers',
      'update_webhook_headers',
      'get_webhook_delivery',
      'retry_webhook_delivery',
      'send_test_webhook',
    ],
    core: [],
  },
  {
    name: 'discounts',
    description: 'Discount codes: create, look up, validate.',
    tools: ['create_discount', 'get_discount', 'get_discount_by_code', 'list_discounts', 'update_discount', 'delete_discount', 'validate_discount'],
    core: [],
  },
  {
    name: 'business',
    description: 'Business settings (tax rate, portal) and brands.',
    tools: ['get_business_settings', 'update_business_settings', 'create_brand', 'get_brand', 'list_brands', 'update_brand'],
    core: [],
  },
];

/**
 * The entry tool of each main job, at most five, marked for clients that defer schemas (Claude Code's
 * `anthropic/alwaysLoad`) and named in the server instructions.
 */
export const ENTRY_TOOLS: readonly string[] = [
  'list_products',
  'create_checkout_session',
  'preview_subscription_plan_change',
  'ingest_usage_events',
  'advance_test_clock',
];

export const DEFAULT_TOOLSET = 'default';
export const ALL_TOOLSETS = 'all';

/** A --toolsets value that names no set. The message lists the valid names. */
export class ToolsetError extends Error {
  override readonly name = 'ToolsetError';
}

/**
 * The tools of the chosen sets, in listing order: the core tools of every set first (so a client that
 * sends only its first 40 still sends every main-job tool), then the rest of each chosen set.
 * `default` is the core of every set; `all` is every tool; names add whole sets:
 * ['default', 'webhooks'] is the core tools and then every webhook tool.
 */
export function toolsOfSets<T extends Pick<ToolDefinition, 'name'>>(all: readonly T[], names: readonly string[]): T[] {
  const byName = new Map(all.map((tool) => [tool.name, tool]));
  const valid = [DEFAULT_TOOLSET, ALL_TOOLSETS, ...TOOLSETS.map((set) => set.name)];
  for (const name of names) {
    if (!valid.includes(name)) throw new ToolsetError(`unknown toolset "${name}"; valid toolsets: ${valid.join(', ')}`);
  }
  const everything = names.includes(ALL_TOOLSETS);
  const withCore = everything || names.includes(DEFAULT_TOOLSET);
  const chosen = TOOLSETS.filter((set) => everything || names.includes(set.name));
  const ordered = [...(withCore ? TOOLSETS.flatMap((set) => set.core) : []), ...chosen.flatMap((set) => set.tools)];
  return [...new Set(ordered)].map((name) => {
    const tool = byName.get(name);
    if (!tool) throw new Error(`toolset lists ${name}, which is not a registered tool`);
    return tool;
  });
}

/** The name of the set a tool belongs to, for --list; undefined for the dynamic meta-tools. */
export function toolsetNameOf(toolName: string): string | undefined {
  return TOOLSETS.find((set) => set.tools.includes(toolName))?.name;
}
