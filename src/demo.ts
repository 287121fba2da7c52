import type { Engine } from './engine/index.js';

/**
 * Fills an empty database with a realistic sample catalog so a first run shows something. Returns false
 * and changes nothing when the database already has products.
 */
export async function seedDemoCatalog(engine: Engine): Promise<boolean> {
  const existing = await engine.products.list({}, { page_size: 1 });
  const archived = await engine.products.list({ archived: true }, { page_size: 1 });
  if (existing.items.length > 0 || archived.items.length > 0) return false;

  const seats = await engine.addons.create({
    name: 'Extra seat',
    description: 'One more teammate on the plan.',
    price: 500,
    currency: 'USD',
    tax_category: 'saas',
  });
  const monthly = { payment_frequency_count: 1, payment_frequency_interval: 'Month' as const };
  const yearly = { payment_frequency_count: 1, payment_frequency_interval: 'Year' as const };
  const plan = (name: string, description: string, price: number, terms: typeof monthly | typeof yearly, trial = 0) =>
    engine.products.create({
      name,
      description,
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price, trial_period_days: trial, ...terms },
      addons: [seats.addon_id],
    });
  const monthlyPlans = [
    await plan('Starter Monthly', 'For individuals getting started.', 1500, monthly, 14),
    await plan('Pro Monthly', 'For growing teams.', 4900, monthly, 14),
    await plan('Enterprise Monthly', 'For organisations that need control.', 19900, monthly),
  ];
  const annualPlans = [
    await plan('Starter Annual', 'Starter, billed yearly: two months free.', 15000, yearly, 14),
    await plan('Pro Annual', 'Pro, billed yearly: two months free.', 49000, yearly, 14),
    await plan('Enterprise Annual', 'Enterprise, billed yearly.', 199000, yearly),
  ];
  // One checkout for every plan; Starter Monthly comes first, so it is pre-selected.
  await engine.collections.create({
    name: 'SaaS Plans',
    description: 'Starter, Pro and Enterprise, billed monthly or yearly.',
    groups: [
      { group_name: 'Monthly', products: monthlyPlans.map((p) => ({ product_id: p.product_id })) },
      { group_name: 'Annual', products: annualPlans.map((p) => ({ product_id: p.product_id })) },
    ],
  });
  await engine.products.create({
    name: 'Desktop App License',
    description: 'A perpetual license for the desktop app, on up to 3 machines.',
    tax_category: 'digital_products',
    price: { type: 'one_time_price', currency: 'USD', price: 9900 },
    license_key_enabled: true,
    license_key_activations_limit: 3,
    license_key_activation_message: 'Paste the key into Settings → License.',
  });
  await engine.products.create({
    name: 'Support the Project',
    description: 'Pay what you want, from $5.',
    tax_category: 'digital_products',
    price: { type: 'one_time_price', currency: 'USD', price: 500, pay_what_you_want: true, suggested_price: 1500 },
  });
  return true;
}
