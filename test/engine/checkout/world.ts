import type { Engine } from '../../../src/engine/index.js';
import { CARD_OK, monthlyPlan, oneTime, usagePlan } from '../../support/checkout-fixtures.js';
import { PageClient, servePagesOf } from '../../support/page-client.js';
import { createTestEngine, type TestEngine, type TestEngineOptions } from '../../support/test-engine.js';

/** A catalogue with one of everything the checkout rules tell apart. */
export async function buildWorld(engine: Engine) {
  const guide = await oneTime(engine, { name: 'Guide', price: 1900 });
  const workbook = await oneTime(engine, { name: 'Workbook', price: 900 });
  const seat = await engine.addons.create({ name: 'Seat', price: 500, currency: 'USD', tax_category: 'saas' });
  const spare = await engine.addons.create({ name: 'Spare', price: 100, currency: 'USD', tax_category: 'saas' });
  const basic = await monthlyPlan(engine, { name: 'Basic', price: 3000, addons: [seat.addon_id] });
  const pro = await monthlyPlan(engine, { name: 'Pro', price: 8000 });
  const usage = await usagePlan(engine);
  const retired = await oneTime(engine, { name: 'Retired' });
  await engine.products.archive(retired.product_id);
  const rupees = await oneTime(engine, { name: 'Rupee guide', currency: 'INR', price: 49900 });
  const tip = await oneTime(engine, { name: 'Tip jar', price: 500, pay_what_you_want: true });
  const sticker = await oneTime(engine, { name: 'Sticker', price: 49 });
  const side = await engine.brands.create({ name: 'Side brand' });
  const sideProduct = await oneTime(engine, { name: 'Side product', brand_id: side.brand_id });
  const paused = await engine.brands.create({ name: 'Paused brand' });
  const pausedProduct = await oneTime(engine, { name: 'Paused product', brand_id: paused.brand_id });
  await engine.brands.update(paused.brand_id, { enabled: false });
  const plans = await engine.collections.create({
    name: 'Plans',
    products: [{ product_id: basic.product_id }, { product_id: pro.product_id }],
  });
  const empty = await engine.collections.create({ name: 'Empty' });
  const shelved = await engine.collections.create({ name: 'Shelved', products: [{ product_id: guide.product_id }] });
  await engine.collections.archive(shelved.collection_id);
  const ann = await engine.customers.create({ email: 'ann@example.com', name: 'Ann' });
  const annCard = await engine.customers.createPaymentMethod(ann.customer_id, CARD_OK);
  const bob = await engine.customers.create({ email: 'bob@example.com', name: 'Bob' });
  const bobCard = await engine.customers.createPaymentMethod(bob.customer_id, CARD_OK);
  return {
    guide,
    workbook,
    seat,
    spare,
    basic,
    pro,
    usage,
    retired,
    rupees,
    tip,
    sticker,
    sideProduct,
    pausedProduct,
    plans,
    empty,
    shelved,
    ann,
    annCard,
    bob,
    bobCard,
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/** A fresh test engine holding the world. */
export async function openWorld(options: TestEngineOptions = {}): Promise<{ engine: TestEngine; w: World }> {
  const engine = await createTestEngine(undefined, options);
  return { engine, w: await buildWorld(engine) };
}

/** Every field of a billing address, as confirm=true requires. */
export const FULL_ADDRESS = { country: 'US', street: '1 Main St', city: 'San Francisco', state: 'CA', zipcode: '94102' };

export interface WorldWithPages {
  engine: TestEngine;
  w: World;
  /** The hosted pages on a loopback port; checkout_url names it. */
  pages: Awaited<ReturnType<typeof servePagesOf>>;
  client: PageClient;
}

/** The world served by the pages router, with a browser-less client of its pages. */
export async function openWorldWithPages(): Promise<WorldWithPages> {
  let base = '';
  const opened = await openWorld({ publicBaseUrl: () => base });
  const pages = await servePagesOf(opened.engine);
  base = pages.base;
  return { ...opened, pages, client: new PageClient(base) };
}
