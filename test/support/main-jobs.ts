// The main jobs of issue 14 (toolsets), by the tools that do them: a default selection must hold them all,
// and every client must be sent them within its first 40 tools.
export const MAIN_JOB_TOOLS = [
  // build a catalog and a collection, list collection products
  'create_product',
  'list_products',
  'create_product_collection',
  'list_collection_products',
  // open and complete a checkout
  'create_customer',
  'create_checkout_session',
  'complete_checkout_session',
  'get_payment',
  // preview and change a plan
  'get_subscription',
  'list_plan_change_options',
  'preview_subscription_plan_change',
  'change_subscription_plan',
  // ingest usage
  'create_meter',
  'ingest_usage_events',
  'get_usage_history',
  // validate and activate a license
  'list_license_keys',
  'validate_license',
  'activate_license',
  // advance the test clock
  'get_test_clock',
  'advance_test_clock',
];
