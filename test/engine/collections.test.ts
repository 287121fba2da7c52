// Rule under test: product collections (SPEC §1.2, D7): groups and items keep display order, checkout offers enabled items of enabled groups without archived products and pre-selects the first, orders are permutations, a product appears once per collection, writes are atomic.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { NewProduct } from '../../src/engine/products/types.js';
import { createTestEngine, TEST_START, type TestEngine } from '../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

const monthly = (name: string, price: number, trial = 0): NewProduct => ({
  name,
  tax_category: 'saas',
  price: {
    type: 'recurring_price',
    currency: 'USD',
    price,
    payment_frequency_count: 1,
    payment_frequency_interval: 'Month',
    trial_period_days: trial,
  },
});

/** pdt_0001 Starter $15/mo (14-day trial), pdt_0002 Pro $49/mo, pdt_0003 Enterprise $199/mo, pdt_0004 Starter Annual $150/yr. */
async function plans(): Promise<void> {
  await engine.products.create(monthly('Starter', 1500, 14));
  await engine.products.create(monthly('Pro', 4900));
  await engine.products.create(monthly('Enterprise', 19900));
  await engine.products.create({
    name: 'Starter Annual',
    tax_category: 'saas',
    price: { type: 'recurring_price', currency: 'USD', price: 15000, payment_frequency_count: 1, payment_frequency_interval: 'Year' },
  });
}

/** pcl_0001 "SaaS Plans": grp_0001 Monthly [pci_0001 Starter, pci_0002 Pro, pci_0003 Enterprise], grp_0002 Annual [pci_0004 Starter Annual]. */
async function saasPlans() {
  await plans();
  return engine.collections.create({
    name: 'SaaS Plans',
    groups: [
      {
        group_name: 'Monthly',
        products: [{ product_id: 'pdt_0001' }, { product_id: 'pdt_0002' }, { product_id: 'pdt_0003' }],
      },
      { group_name: 'Annual', products: [{ product_id: 'pdt_0004' }] },
    ],
  });
}

const offeredIds = async (collectionId = 'pcl_0001') => (await engine.collections.checkoutProducts(collectionId)).map((p) => p.product_id);

describe('create and get', () => {
  test('groups and items come back in the order given, with default policy and frozen-clock timestamps', async () => {
    const created = await saasPlans();
    expect(created).toEqual({
      collection_id: 'pcl_0001',
      business_id: 'bus_0001',
      brand_id: 'brnd_0001',
      name: 'SaaS Plans',
      description: null,
      image: null,
      archived: false,
      allow_upgrades: true,
      allow_downgrades: true,
      force_same_billing_interval: false,
      proration_billing_mode_on_upgrade: null,
      proration_billing_mode_on_downgrade: null,
      effective_at_on_upgrade: null,
      effective_at_on_downgrade: null,
      on_payment_failure: null,
      groups: [
        {
          group_id: 'grp_0001',
          group_name: 'Monthly',
          status: true,
          products: [
            { item_id: 'pci_0001', product_id: 'pdt_0001', status: true },
            { item_id: 'pci_0002', product_id: 'pdt_0002', status: true },
            { item_id: 'pci_0003', product_id: 'pdt_0003', status: true },
          ],
        },
        {
          group_id: 'grp_0002',
          group_name: 'Annual',
          status: true,
          products: [{ item_id: 'pci_0004', product_id: 'pdt_0004', status: true }],
        },
      ],
      created_at: TEST_START,
      updated_at: TEST_START,
    });
    expect(await engine.collections.get('pcl_0001')).toEqual(created);
  });

  test('products outside any group form one unnamed group placed before the named ones', async () => {
    await plans();
    const created = await engine.collections.create({
      name: 'Mixed',
      products: [{ product_id: 'pdt_0003' }, { product_id: 'pdt_0001', status: false }],
      groups: [{ group_name: 'Annual', products: [{ product_id: 'pdt_0004' }] }],
    });
    expect(created.groups.map((g) => [g.group_name, g.products.map((i) => [i.product_id, i.status])])).toEqual([
      [
        null,
        [
          ['pdt_0003', true],
          ['pdt_0001', false],
        ],
      ],
      ['Annual', [['pdt_0004', true]]],
    ]);
  });

  test('policy fields are stored as given; update changes them and null goes back to inheriting', async () => {
    await plans();
    const created = await engine.collections.create({
      name: 'Strict',
      allow_downgrades: false,
      force_same_billing_interval: true,
      proration_billing_mode_on_upgrade: 'prorated_immediately',
      effective_at_on_downgrade: 'next_billing_date',
      on_payment_failure: 'prevent_change',
    });
    expect(created).toMatchObject({
      allow_upgrades: true,
      allow_downgrades: false,
      force_same_billing_interval: true,
      proration_billing_mode_on_upgrade: 'prorated_immediately',
      proration_billing_mode_on_downgrade: null,
      effective_at_on_downgrade: 'next_billing_date',
      on_payment_failure: 'prevent_change',
      groups: [],
    });
    engine.clock.advance(60_000);
    const updated = await engine.collections.update('pcl_0001', {
      name: 'Strict plans',
      description: 'No downgrades.',
      proration_billing_mode_on_upgrade: null,
      proration_billing_mode_on_downgrade: 'do_not_bill',
    });
    expect(updated).toMatchObject({
      name: 'Strict plans',
      description: 'No downgrades.',
      allow_downgrades: false,
      proration_billing_mode_on_upgrade: null,
      proration_billing_mode_on_downgrade: 'do_not_bill',
      created_at: TEST_START,
      updated_at: '2025-04-01T00:01:00.000Z',
    });
  });

  test('an unknown policy value, an empty name and an unknown collection are refused', async () => {
    await expect(engine.collections.create({ name: 'X', effective_at_on_upgrade: 'later' as 'immediately' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_BODY',
      message: 'effective_at_on_upgrade must be one of immediately, next_billing_date or null to inherit the business setting, got later',
    });
    await expect(engine.collections.create({ name: '' })).rejects.toMatchObject({ code: 'INVALID_REQUEST_BODY' });
    await expect(engine.collections.get('pcl_9')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no product collection pcl_9',
      nextStep: 'list_product_collections shows the existing ids',
    });
  });
});

describe('products that cannot join', () => {
  test('an unknown product is NOT_FOUND and an archived one PRODUCT_IS_DELETED', async () => {
    await plans();
    await expect(engine.collections.create({ name: 'X', products: [{ product_id: 'pdt_0001' }, { product_id: 'pdt_9' }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no product pdt_9',
    });
    await engine.products.archive('pdt_0002');
    await expect(engine.collections.create({ name: 'X', products: [{ product_id: 'pdt_0002' }] })).rejects.toMatchObject({
      code: 'PRODUCT_IS_DELETED',
      message: 'product pdt_0002 is archived and cannot join a collection',
    });
  });

  test('a product of another brand is BRAND_MISMATCH; a collection of that brand takes it', async () => {
    await plans();
    const other = await engine.brands.create({ name: 'Side project' });
    expect(other.brand_id).toBe('brnd_0002');
    await engine.products.create({ ...monthly('Side Pro', 900), brand_id: 'brnd_0002' });
    await expect(engine.collections.create({ name: 'X', products: [{ product_id: 'pdt_0001' }, { product_id: 'pdt_0005' }] })).rejects.toMatchObject({
      code: 'BRAND_MISMATCH',
      message: 'product pdt_0005 belongs to brand brnd_0002, product collection pcl_0001 to brand brnd_0001',
    });
    const side = await engine.collections.create({ name: 'Side', brand_id: 'brnd_0002', products: [{ product_id: 'pdt_0005' }] });
    expect(side.brand_id).toBe('brnd_0002');
    await expect(engine.collections.addItems(side.collection_id, side.groups[0]!.group_id, [{ product_id: 'pdt_0001' }])).rejects.toMatchObject({
      code: 'BRAND_MISMATCH',
    });
    await expect(engine.collections.create({ name: 'X', brand_id: 'brnd_9' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no brand brnd_9',
    });
  });

  test.each([
    ['twice in one group', [{ group_name: 'A', products: [{ product_id: 'pdt_0001' }, { product_id: 'pdt_0001' }] }]],
    [
      'in two groups',
      [
        { group_name: 'A', products: [{ product_id: 'pdt_0001' }] },
        { group_name: 'B', products: [{ product_id: 'pdt_0001' }] },
      ],
    ],
  ])('a product listed %s is refused: once per collection', async (_case, groups) => {
    await plans();
    await expect(engine.collections.create({ name: 'X', groups })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
      message: 'product pdt_0001 is listed twice; a product may appear only once per collection',
    });
  });

  test('adding a product already in the collection names the group that holds it', async () => {
    await saasPlans();
    await expect(engine.collections.addItems('pcl_0001', 'grp_0002', [{ product_id: 'pdt_0002' }])).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
      message: 'product pdt_0002 is already in product collection pcl_0001 (group grp_0001); a product may appear only once per collection',
      nextStep: 'to move it to another group, remove_collection_item first',
    });
  });

  test('a failing create leaves nothing behind: no collection, group or item', async () => {
    await plans();
    // The Monthly group and its items are written before the Annual group repeats pdt_0001.
    await expect(
      engine.collections.create({
        name: 'Broken',
        groups: [
          { group_name: 'Monthly', products: [{ product_id: 'pdt_0001' }, { product_id: 'pdt_0002' }] },
          { group_name: 'Annual', products: [{ product_id: 'pdt_0004' }, { product_id: 'pdt_0001' }] },
        ],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST_PARAMETERS' });
    const db = engine.ctx.db;
    expect(await db.selectFrom('collections').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('collection_groups').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('collection_items').selectAll().execute()).toEqual([]);
    expect((await engine.collections.list({ archived: false })).items).toEqual([]);
    expect((await engine.collections.list({ archived: true })).items).toEqual([]);
  });
});

describe('group names', () => {
  test('named groups are unique per collection; several unnamed groups may coexist', async () => {
    await plans();
    await expect(engine.collections.create({ name: 'X', groups: [{ group_name: 'Monthly' }, { group_name: 'Monthly' }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
      message: 'group_name "Monthly" is given twice; named groups are unique per collection',
    });
    const created = await engine.collections.create({
      name: 'X',
      groups: [{ group_name: null }, {}, { group_name: 'Monthly' }],
    });
    expect(created.groups.map((g) => g.group_name)).toEqual([null, null, 'Monthly']);
    await expect(engine.collections.createGroup('pcl_0001', { group_name: 'Monthly' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
      message: 'product collection pcl_0001 already has a group named "Monthly"; named groups are unique per collection',
    });
    await expect(engine.collections.updateGroup('pcl_0001', created.groups[0]!.group_id, { group_name: 'Monthly' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
    });
    // Renaming a group to its own name is no conflict.
    const same = await engine.collections.updateGroup('pcl_0001', created.groups[2]!.group_id, { group_name: 'Monthly' });
    expect(same.groups[2]!.group_name).toBe('Monthly');
  });

  test('a group can be renamed and made unnamed', async () => {
    await saasPlans();
    const renamed = await engine.collections.updateGroup('pcl_0001', 'grp_0002', { group_name: 'Yearly' });
    expect(renamed.groups.map((g) => g.group_name)).toEqual(['Monthly', 'Yearly']);
    const unnamed = await engine.collections.updateGroup('pcl_0001', 'grp_0002', { group_name: null });
    expect(unnamed.groups.map((g) => g.group_name)).toEqual(['Monthly', null]);
  });
});

describe('ordering', () => {
  test('group_order reorders groups; checkout follows, and the pre-selected product with it', async () => {
    await saasPlans();
    const updated = await engine.collections.update('pcl_0001', { group_order: ['grp_0002', 'grp_0001'] });
    expect(updated.groups.map((g) => g.group_id)).toEqual(['grp_0002', 'grp_0001']);
    const offered = await engine.collections.checkoutProducts('pcl_0001');
    expect(offered.map((p) => [p.product_id, p.pre_selected])).toEqual([
      ['pdt_0004', true],
      ['pdt_0001', false],
      ['pdt_0002', false],
      ['pdt_0003', false],
    ]);
  });

  test.each([
    [['grp_0002'], 'grp_0001 is missing'],
    [['grp_0002', 'grp_0001', 'grp_0002'], 'grp_0002 is listed twice'],
    [['grp_0002', 'grp_0009'], 'grp_0009 is not one of them'],
    [[], 'grp_0001, grp_0002 are missing'],
  ])('group_order %j is not a permutation: %s', async (order, problem) => {
    await saasPlans();
    await expect(engine.collections.update('pcl_0001', { group_order: order, name: 'Renamed' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
      message: `group_order must list each of the 2 groups of product collection pcl_0001 exactly once (grp_0001, grp_0002); ${problem}`,
      nextStep: 'send all 2 ids in the order wanted',
    });
    // Nothing of the refused update applied.
    expect((await engine.collections.get('pcl_0001')).name).toBe('SaaS Plans');
  });

  test('product_order takes item ids, product ids or a mix of both', async () => {
    await saasPlans();
    const byItems = await engine.collections.updateGroup('pcl_0001', 'grp_0001', {
      product_order: ['pci_0003', 'pci_0001', 'pci_0002'],
    });
    expect(byItems.groups[0]!.products.map((i) => i.product_id)).toEqual(['pdt_0003', 'pdt_0001', 'pdt_0002']);
    const mixed = await engine.collections.updateGroup('pcl_0001', 'grp_0001', {
      product_order: ['pdt_0002', 'pci_0003', 'pdt_0001'],
    });
    expect(mixed.groups[0]!.products.map((i) => i.item_id)).toEqual(['pci_0002', 'pci_0003', 'pci_0001']);
    expect(await offeredIds()).toEqual(['pdt_0002', 'pdt_0003', 'pdt_0001', 'pdt_0004']);
  });

  test.each([
    [['pci_0001', 'pci_0002'], 'pci_0003 is missing'],
    [['pci_0001', 'pdt_0001', 'pci_0002', 'pci_0003'], 'pdt_0001 (pci_0001) is listed twice'],
    [['pci_0001', 'pci_0002', 'pci_0004'], 'pci_0004 is not one of them'],
  ])('product_order %j is not a permutation: %s', async (order, problem) => {
    await saasPlans();
    await expect(engine.collections.updateGroup('pcl_0001', 'grp_0001', { product_order: order })).rejects.toMatchObject({
      code: 'INVALID_REQUEST_PARAMETERS',
      message: `product_order must list each of the 3 items of group grp_0001 exactly once (pci_0001, pci_0002, pci_0003); ${problem}`,
    });
  });

  test('new groups go after the last one and new items after the last item, even after deletes', async () => {
    await saasPlans();
    await engine.products.create(monthly('Team', 9900));
    await engine.collections.deleteGroup('pcl_0001', 'grp_0001');
    await engine.collections.createGroup('pcl_0001', { group_name: 'Monthly again', products: [{ product_id: 'pdt_0001' }] });
    const added = await engine.collections.addItems('pcl_0001', 'grp_0003', [{ product_id: 'pdt_0005', status: false }, { product_id: 'pdt_0002' }]);
    expect(added.groups.map((g) => [g.group_id, g.products.map((i) => `${i.item_id}:${i.product_id}:${i.status}`)])).toEqual([
      ['grp_0002', ['pci_0004:pdt_0004:true']],
      ['grp_0003', ['pci_0005:pdt_0001:true', 'pci_0006:pdt_0005:false', 'pci_0007:pdt_0002:true']],
    ]);
  });
});

describe('checkout products', () => {
  test('each entry carries what a checkout shows; only the first is pre-selected', async () => {
    await saasPlans();
    const page = await engine.collections.listCheckoutProducts('pcl_0001');
    expect(page).toMatchObject({ collection_id: 'pcl_0001', name: 'SaaS Plans', archived: false, page_number: 0, page_size: 20, has_more: false });
    expect(page.items[0]).toEqual({
      product_id: 'pdt_0001',
      item_id: 'pci_0001',
      group_id: 'grp_0001',
      group_name: 'Monthly',
      name: 'Starter',
      description: null,
      price: 1500,
      price_type: 'recurring_price',
      currency: 'USD',
      payment_frequency_count: 1,
      payment_frequency_interval: 'Month',
      trial_period_days: 14,
      pay_what_you_want: false,
      pre_selected: true,
    });
    expect(page.items.map((p) => [p.product_id, p.pre_selected])).toEqual([
      ['pdt_0001', true],
      ['pdt_0002', false],
      ['pdt_0003', false],
      ['pdt_0004', false],
    ]);
  });

  test('one-time and usage-based products: no interval for one-time, the fixed fee as price for usage-based', async () => {
    await engine.products.create({
      name: 'Tip jar',
      tax_category: 'digital_products',
      price: { type: 'one_time_price', currency: 'USD', price: 500, pay_what_you_want: true },
    });
    await engine.products.create({
      name: 'API',
      tax_category: 'saas',
      price: { type: 'usage_based_price', currency: 'USD', fixed_price: 1000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
    });
    await engine.collections.create({ name: 'Mixed', products: [{ product_id: 'pdt_0001' }, { product_id: 'pdt_0002' }] });
    const [tip, api] = await engine.collections.checkoutProducts('pcl_0001');
    expect(tip).toMatchObject({
      price: 500,
      price_type: 'one_time_price',
      payment_frequency_count: null,
      payment_frequency_interval: null,
      trial_period_days: null,
      pay_what_you_want: true,
      pre_selected: true,
    });
    expect(api).toMatchObject({ price: 1000, price_type: 'usage_based_price', payment_frequency_interval: 'Month', trial_period_days: 0 });
  });

  test('a disabled item or group is left out and the next enabled product is pre-selected; enabling brings it back', async () => {
    await saasPlans();
    await engine.collections.updateItem('pcl_0001', 'grp_0001', 'pci_0001', { status: false });
    const offered = await engine.collections.checkoutProducts('pcl_0001');
    expect(offered.map((p) => [p.product_id, p.pre_selected])).toEqual([
      ['pdt_0002', true],
      ['pdt_0003', false],
      ['pdt_0004', false],
    ]);
    await engine.collections.updateGroup('pcl_0001', 'grp_0001', { status: false });
    expect(await offeredIds()).toEqual(['pdt_0004']);
    // The disabled item stays disabled while its group is switched back on.
    await engine.collections.updateGroup('pcl_0001', 'grp_0001', { status: true });
    expect(await offeredIds()).toEqual(['pdt_0002', 'pdt_0003', 'pdt_0004']);
    await engine.collections.updateItem('pcl_0001', 'grp_0001', 'pci_0001', { status: true });
    expect(await offeredIds()).toEqual(['pdt_0001', 'pdt_0002', 'pdt_0003', 'pdt_0004']);
    const collection = await engine.collections.get('pcl_0001');
    expect(collection.groups[0]!.products.every((i) => i.status)).toBe(true);
  });

  test('an archived product is skipped at checkout but keeps its item', async () => {
    await saasPlans();
    await engine.products.archive('pdt_0001');
    const offered = await engine.collections.checkoutProducts('pcl_0001');
    expect(offered.map((p) => [p.product_id, p.pre_selected])).toEqual([
      ['pdt_0002', true],
      ['pdt_0003', false],
      ['pdt_0004', false],
    ]);
    expect((await engine.collections.get('pcl_0001')).groups[0]!.products[0]).toEqual({
      item_id: 'pci_0001',
      product_id: 'pdt_0001',
      status: true,
    });
    await engine.products.unarchive('pdt_0001');
    expect(await offeredIds()).toEqual(['pdt_0001', 'pdt_0002', 'pdt_0003', 'pdt_0004']);
  });

  test('pages cut the whole list: pre_selected stays on the first product of page 0', async () => {
    await saasPlans();
    const first = await engine.collections.listCheckoutProducts('pcl_0001', { page_size: 3 });
    expect(first.items.map((p) => [p.product_id, p.pre_selected])).toEqual([
      ['pdt_0001', true],
      ['pdt_0002', false],
      ['pdt_0003', false],
    ]);
    expect(first.has_more).toBe(true);
    const second = await engine.collections.listCheckoutProducts('pcl_0001', { page_size: 3, page_number: 1 });
    expect(second.items.map((p) => [p.product_id, p.pre_selected])).toEqual([['pdt_0004', false]]);
    expect(second.has_more).toBe(false);
  });
});

describe('archive and unarchive', () => {
  test('archiving hides the collection from the default list; checkout listing reports it archived', async () => {
    await saasPlans();
    await engine.collections.create({ name: 'Other' });
    engine.clock.advance(1000);
    const archived = await engine.collections.archive('pcl_0001');
    expect(archived).toMatchObject({ archived: true, updated_at: '2025-04-01T00:00:01.000Z' });
    expect((await engine.collections.list()).items.map((c) => c.collection_id)).toEqual(['pcl_0002']);
    expect((await engine.collections.list({ archived: true })).items.map((c) => c.collection_id)).toEqual(['pcl_0001']);
    const listing = await engine.collections.listCheckoutProducts('pcl_0001');
    expect(listing.archived).toBe(true);
    // Archiving twice changes nothing more.
    expect((await engine.collections.archive('pcl_0001')).archived).toBe(true);
  });

  test('unarchive restores it and names the archived products its checkout leaves out', async () => {
    await saasPlans();
    await engine.collections.archive('pcl_0001');
    await engine.products.archive('pdt_0004');
    await engine.products.archive('pdt_0002');
    const restored = await engine.collections.unarchive('pcl_0001');
    expect(restored.archived).toBe(false);
    // Display order, not archive order.
    expect(restored.excluded_product_ids).toEqual(['pdt_0002', 'pdt_0004']);
    expect(restored.groups).toHaveLength(2);
    expect(await offeredIds()).toEqual(['pdt_0001', 'pdt_0003']);
    expect((await engine.collections.list()).items.map((c) => c.collection_id)).toEqual(['pcl_0001']);
  });

  test('with no archived products excluded_product_ids is empty', async () => {
    await saasPlans();
    await engine.collections.archive('pcl_0001');
    expect((await engine.collections.unarchive('pcl_0001')).excluded_product_ids).toEqual([]);
  });
});

describe('groups and items', () => {
  test('deleting a group removes its items; their products may join another group', async () => {
    await saasPlans();
    const after = await engine.collections.deleteGroup('pcl_0001', 'grp_0001');
    expect(after.groups.map((g) => g.group_id)).toEqual(['grp_0002']);
    expect(await engine.ctx.db.selectFrom('collection_items').select('item_id').execute()).toEqual([{ item_id: 'pci_0004' }]);
    const moved = await engine.collections.addItems('pcl_0001', 'grp_0002', [{ product_id: 'pdt_0001' }]);
    expect(moved.groups[0]!.products.map((i) => i.product_id)).toEqual(['pdt_0004', 'pdt_0001']);
  });

  test('removing an item takes the product out; it can be added again', async () => {
    await saasPlans();
    const removed = await engine.collections.removeItem('pcl_0001', 'grp_0001', 'pci_0002');
    expect(removed.groups[0]!.products.map((i) => i.product_id)).toEqual(['pdt_0001', 'pdt_0003']);
    const readded = await engine.collections.addItems('pcl_0001', 'grp_0002', [{ product_id: 'pdt_0002' }]);
    expect(readded.groups[1]!.products.map((i) => i.item_id)).toEqual(['pci_0004', 'pci_0005']);
  });

  test('a group or item change moves the collection updated_at', async () => {
    await saasPlans();
    engine.clock.advance(5000);
    const updated = await engine.collections.updateItem('pcl_0001', 'grp_0001', 'pci_0002', { status: false });
    expect(updated.updated_at).toBe('2025-04-01T00:00:05.000Z');
    expect(updated.created_at).toBe(TEST_START);
  });

  test('unknown groups and items, or an item of another group, are NOT_FOUND', async () => {
    await saasPlans();
    await expect(engine.collections.deleteGroup('pcl_0001', 'grp_9')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no group grp_9 in product collection pcl_0001',
      nextStep: 'get_product_collection shows its group ids',
    });
    await expect(engine.collections.removeItem('pcl_0001', 'grp_0002', 'pci_0001')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no item pci_0001 in group grp_0002',
    });
    await expect(engine.collections.createGroup('pcl_9', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
