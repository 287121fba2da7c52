// Issue 15 "Tests that must exist (real browser)": the customer portal of the built CLI, in Chromium, over
// HTTP (pages on the server's own port) and over stdio (the loopback page server; the link comes from the
// create_customer_portal_session tool through the MCP client). An upgrade's previewed amount is the
// payment's (get_payment); a downgrade waits for the next billing date (SPEC D18 default) and the test
// clock applies it; cancel and undo; an on_hold subscription is recovered by a new card (D15); a license
// activation is deactivated; a second customer's link reads nothing of the first's, and their form with
// the first's subscription id is refused (404) and changes nothing.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { callOk, streamableClient } from '../support/e2e-clients.js';
import { type HttpServer, startHttpServer, startStdioServer, type StdioServer, useBrowser } from './support/browser.js';

// Each test is a dozen page loads and tool calls against a child process: seconds alone, more on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const harness = useBrowser();
const CARD = { number: '4242424242424242', exp_month: 6, exp_year: 2032, cvc: '123' };

type Call = <T = Record<string, unknown>>(name: string, args?: Record<string, unknown>) => Promise<T>;

interface Shop {
  basic: string;
  pro: string;
}

/** Basic $30/month and Pro $80/month in one collection; customers may change plans in the portal. */
async function openShop(call: Call): Promise<Shop> {
  const monthly = (name: string, price: number) =>
    call<{ product_id: string }>('create_product', {
      name,
      tax_category: 'saas',
      price: { type: 'recurring_price', currency: 'USD', price, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    });
  const basic = (await monthly('Basic', 3000)).product_id;
  const pro = (await monthly('Pro', 8000)).product_id;
  await call('create_product_collection', { name: 'Plans', products: [{ product_id: basic }, { product_id: pro }] });
  await call('update_business_settings', { allow_subscription_updates: true });
  return { basic, pro };
}

let buyers = 0;

/** A new customer buys `productId` through checkout with 4242…; their subscription and portal link. */
async function subscriber(call: Call, productId: string) {
  buyers += 1;
  const customer = await call<{ customer_id: string; email: string }>('create_customer', {
    email: `portal-${buyers}@example.com`,
    name: `Portal Buyer ${buyers}`,
  });
  const session = await call<{ session_id: string }>('create_checkout_session', {
    product_cart: [{ product_id: productId, quantity: 1 }],
    customer: { customer_id: customer.customer_id },
  });
  const done = await call<{ subscription_id: string }>('complete_checkout_session', { session_id: session.session_id, card: CARD });
  return { customer, subscriptionId: done.subscription_id, link: await portalLink(call, customer.customer_id) };
}

/** A portal link made now: links last 24 h of engine time, so a test that moves the clock asks again. */
async function portalLink(call: Call, customerId: string): Promise<string> {
  const { link } = await call<{ link: string }>('create_customer_portal_session', {
    customer_id: customerId,
    return_url: 'https://shop.example.com/account',
  });
  return link;
}

/** "$33.33" → 3333. */
const cents = (text: string) => Math.round(Number(text.replace(/[^0-9.-]/g, '')) * 100);

/** The refusals a test provokes on purpose show as console errors ("status of 404"): expected, then cleared. */
function expectRefused(statuses: string[]): void {
  expect(harness.guard.take().map((problem) => /status of (\d{3})/.exec(problem)?.[1])).toEqual(statuses);
}

/** A labelled screenshot, awaited: the next navigation never races the picture of this page. */
function shot(page: Page, label: string): Promise<string> {
  return harness.shot(page, label);
}

async function notice(page: Page): Promise<string> {
  return page.locator('.notice.ok').innerText();
}

function portalTests(server: () => { call: Call }) {
  test('upgrade: the previewed amount is the payment’s charged amount', async () => {
    const { call } = server();
    const shop = await openShop(call);
    const { customer, subscriptionId } = await subscriber(call, shop.basic);
    await call('advance_test_clock', { by: { days: 10 } });
    const page = await harness.newPage();
    await page.goto(await portalLink(call, customer.customer_id));
    await shot(page, 'overview on day 10');
    await page.getByRole('link', { name: 'Change plan' }).click();
    await shot(page, 'plans offered');
    await page.getByRole('radio', { name: /Pro/ }).check();
    await page.getByRole('button', { name: 'Review the change' }).click();
    await shot(page, 'upgrade review');
    const previewed = cents(await page.getByTestId('charge-total').innerText());
    // Basic 3000 → Pro 8000 with 20 of 30 days left: about 8000×⅔ − 3000×⅔ = 3333 (§3 A; the CLI's clock is real time plus the offset).
    expect(previewed).toBeGreaterThan(3200);
    expect(previewed).toBeLessThan(3400);
    await page.getByRole('button', { name: /^Confirm and pay/ }).click();
    expect(await notice(page)).toBe('Your plan was changed.');
    await shot(page, 'upgraded');
    const payments = await call<{ items: Array<{ payment_id: string }> }>('list_payments', { subscription_id: subscriptionId });
    const payment = await call<{ total_amount: number; status: string }>('get_payment', { payment_id: payments.items[0]?.payment_id });
    expect(payment).toMatchObject({ total_amount: previewed, status: 'succeeded' });
    expect(await page.getByRole('heading', { name: /Pro/ }).innerText()).toContain('Active');
    await page.getByRole('link', { name: 'Billing history' }).click();
    await shot(page, 'billing history');
    await page.getByRole('link', { name: 'Receipt' }).first().click();
    await shot(page, 'receipt');
    expect(await page.locator('tr.total').innerText()).toContain(`$${(previewed / 100).toFixed(2)}`);
  });

  test('a downgrade waits for the next billing date and the test clock applies it', async () => {
    const { call } = server();
    const shop = await openShop(call);
    const { customer, subscriptionId, link } = await subscriber(call, shop.pro);
    const page = await harness.newPage();
    await page.goto(link);
    await shot(page, 'overview on pro');
    await page.getByRole('link', { name: 'Change plan' }).click();
    await shot(page, 'plans offered');
    await page.getByRole('button', { name: 'Review the change' }).click();
    await shot(page, 'downgrade review');
    expect(await page.getByTestId('effective').innerText()).toMatch(/^Takes effect on .+, your next billing date\. Nothing is charged now/);
    await page.getByRole('button', { name: 'Confirm the change' }).click();
    expect(await notice(page)).toBe('Your plan change is scheduled for the next billing date.');
    await shot(page, 'downgrade scheduled');
    expect(await page.locator('section.card .notice').innerText()).toMatch(/^Scheduled: changes to Basic on /);
    await call('advance_test_clock', { by: { months: 1, hours: 1 } });
    // The old link has expired (24 h); a new one shows the switch.
    await page.reload();
    expect(await page.locator('h2').innerText()).toBe('This link has expired');
    await shot(page, 'expired link');
    expectRefused(['403']);
    await page.goto(await portalLink(call, customer.customer_id));
    expect(await page.getByRole('heading', { level: 2 }).first().innerText()).toMatch(/^Basic/);
    expect(await page.locator('section.card .notice').count()).toBe(0);
    await shot(page, 'downgraded at renewal');
    const sub = await call<{ product_id: string; status: string }>('get_subscription', { subscription_id: subscriptionId });
    expect(sub).toMatchObject({ product_id: shop.basic, status: 'active' });
    await page.getByRole('link', { name: 'Billing history' }).click();
    expect(await page.locator('tbody tr').first().innerText()).toContain('$30.00');
    await shot(page, 'billing after renewal');
  });

  test('cancel at the next billing date, then keep the subscription; edit the profile', async () => {
    const { call } = server();
    const shop = await openShop(call);
    const { customer, subscriptionId, link } = await subscriber(call, shop.basic);
    const page = await harness.newPage();
    await page.goto(link);
    await page.getByRole('button', { name: 'Cancel at next billing date' }).click();
    expect(await notice(page)).toBe('Your subscription will cancel at the next billing date.');
    await shot(page, 'cancel scheduled');
    expect(await page.locator('section.card').first().innerText()).toContain('Cancels on');
    expect(await call('get_subscription', { subscription_id: subscriptionId })).toMatchObject({ cancel_at_next_billing_date: true });
    await page.getByRole('button', { name: 'Keep my subscription' }).click();
    expect(await notice(page)).toBe('Your subscription will continue.');
    await shot(page, 'kept');
    expect(await call('get_subscription', { subscription_id: subscriptionId })).toMatchObject({ cancel_at_next_billing_date: false });
    // The profile: name and phone, as update_customer changes them.
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByLabel('Name').fill('Portal Buyer Renamed');
    await page.getByLabel('Phone').fill('+14155550100');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await notice(page)).toBe('Your profile was saved.');
    await shot(page, 'profile saved');
    expect(await call('get_customer', { customer_id: customer.customer_id })).toMatchObject({
      name: 'Portal Buyer Renamed',
      phone_number: '+14155550100',
    });
  });

  test('an on_hold subscription is recovered by updating the card', async () => {
    const { call } = server();
    const shop = await openShop(call);
    const { customer, subscriptionId } = await subscriber(call, shop.basic);
    const methods = await call<{ items: Array<{ payment_method_id: string }> }>('list_customer_payment_methods', {
      customer_id: customer.customer_id,
    });
    await call('set_payment_method_test_behavior', { payment_method_id: methods.items[0]?.payment_method_id, failure_code: 'CARD_DECLINED' });
    await call('advance_test_clock', { by: { months: 1, hours: 1 } });
    expect(await call('get_subscription', { subscription_id: subscriptionId })).toMatchObject({ status: 'on_hold' });
    const page = await harness.newPage();
    await page.goto(await portalLink(call, customer.customer_id));
    expect(await page.locator('section.card').first().innerText()).toContain('On hold');
    await shot(page, 'on hold');
    await page.getByRole('link', { name: 'Update card' }).click();
    await shot(page, 'card form');
    await page.getByLabel('Card number').fill('4000 0000 0000 0002');
    await page.getByLabel('Expiry (MM/YY)').fill('06/32');
    await page.getByLabel('CVC').fill('123');
    await page.getByRole('button', { name: /^Save card and pay \$30\.00$/ }).click();
    expect(await page.locator('.notice.error').first().innerText()).toContain('Your card was declined (CARD_DECLINED)');
    expectRefused(['402']);
    await harness.shot(page, 'declined card');
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByLabel('CVC').fill('123');
    await page.getByRole('button', { name: /^Save card and pay/ }).click();
    expect(await notice(page)).toBe('Your card was charged and your subscription is active again.');
    await shot(page, 'recovered');
    expect(await page.locator('section.card').first().innerText()).toContain('Active');
    expect(await call('get_subscription', { subscription_id: subscriptionId })).toMatchObject({ status: 'active', outstanding_amount: 0 });
  });

  test('a license activation is deactivated from the portal', async () => {
    const { call } = server();
    const app = await call<{ product_id: string }>('create_product', {
      name: 'Desktop App',
      tax_category: 'digital_products',
      price: { type: 'one_time_price', currency: 'USD', price: 4900 },
      license_key_enabled: true,
      license_key_activations_limit: 2,
    });
    const customer = await call<{ customer_id: string }>('create_customer', { email: 'keys@example.com', name: 'Key Holder' });
    const session = await call<{ session_id: string }>('create_checkout_session', {
      product_cart: [{ product_id: app.product_id, quantity: 1 }],
      customer: { customer_id: customer.customer_id },
    });
    await call('complete_checkout_session', { session_id: session.session_id, card: CARD });
    const keys = await call<{ items: Array<{ id: string; key: string }> }>('list_license_keys', { customer_id: customer.customer_id });
    const key = keys.items[0];
    await call('activate_license', { license_key: key?.key, name: 'Laptop' });
    await call('activate_license', { license_key: key?.key, name: 'Desktop' });
    const { link } = await call<{ link: string }>('create_customer_portal_session', { customer_id: customer.customer_id });
    const page = await harness.newPage();
    await page.goto(link);
    await shot(page, 'overview without subscriptions');
    await page.getByRole('link', { name: 'License keys' }).click();
    await shot(page, 'license keys');
    expect(await page.locator('code.key').innerText()).toBe(key?.key);
    await page.getByRole('button', { name: 'Deactivate Laptop' }).click();
    expect(await notice(page)).toBe('The activation was removed.');
    await shot(page, 'deactivated');
    expect(await page.locator('tbody').innerText()).not.toContain('Laptop');
    expect(await call('get_license_key', { license_key_id: key?.id })).toMatchObject({ instances_count: 1 });
  });

  test('a second customer’s link reads nothing of the first’s; their form with the first’s subscription is refused', async () => {
    const { call } = server();
    const shop = await openShop(call);
    const first = await subscriber(call, shop.basic);
    const second = await subscriber(call, shop.pro);
    const page = await harness.newPage();
    await page.goto(second.link);
    await shot(page, 'second customer overview');
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(first.customer.email);
    expect(await page.content()).not.toContain(first.subscriptionId);
    const base = new URL(second.link).pathname;
    const peek = await page.goto(`${new URL(second.link).origin}${base}/subscriptions/${first.subscriptionId}/card`);
    expect(peek?.status()).toBe(404);
    await shot(page, 'peek refused');
    expect(await page.locator('main').innerText()).not.toContain('Basic');
    // The second customer's own cancel form, pointed at the first's subscription.
    await page.goto(second.link);
    await shot(page, 'second customer again');
    type Attributes = { getAttribute(name: string): string | null; setAttribute(name: string, value: string): void };
    await page.locator('form[action$="/cancel"]').evaluate((form: Attributes, id: string) => {
      form.setAttribute('action', (form.getAttribute('action') ?? '').replace(/subscriptions\/[^/]+\//, `subscriptions/${id}/`));
    }, first.subscriptionId);
    const posted = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Cancel at next billing date' }).click();
    expect((await posted).status()).toBe(404);
    await page.waitForLoadState();
    await shot(page, 'forged form refused');
    expect(await page.locator('main').innerText()).toContain('There is nothing here for this account');
    expect(await call('get_subscription', { subscription_id: first.subscriptionId })).toMatchObject({ cancel_at_next_billing_date: false });
    expect(await call('get_subscription', { subscription_id: second.subscriptionId })).toMatchObject({ cancel_at_next_billing_date: false });
    // An unknown token shows a page with no data.
    const unknown = await page.goto(`${new URL(second.link).origin}/portal/${'x'.repeat(43)}`);
    expect([unknown?.status(), await page.locator('h2').innerText()]).toEqual([404, 'This link is not valid']);
    await shot(page, 'unknown link');
    expectRefused(['404', '404', '404']);
  });
}

describe('over HTTP', () => {
  let server: HttpServer;
  let call: Call;
  let close: () => Promise<void>;
  beforeAll(async () => {
    server = await startHttpServer(['--toolsets', 'all']);
    const client = await streamableClient(server.url);
    call = (name, args) => callOk(client, name, args);
    close = () => client.close();
  });
  afterAll(async () => {
    await close?.();
    expect(await server?.stop()).toBe(0);
  });
  portalTests(() => ({ call }));
});

describe('over stdio (the loopback page server)', () => {
  let server: StdioServer;
  beforeAll(async () => {
    server = await startStdioServer(['--toolsets', 'all', '--pages-port', '0']);
  });
  afterAll(async () => {
    await server?.close();
  });
  portalTests(() => ({ call: (name, args) => server.ok(name, args) }));
});
