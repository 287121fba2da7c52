// Rule under test: collection tools follow SPEC §1.2 and D7 through MCP: structured results in display order, checkout listing with the first product pre-selected, errors as "CODE: message. Next: step".
import { collectionSummarySchema } from '../../src/tools/schemas/collection.js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
});
afterEach(async () => {
  await c.close();
});

interface Item {
  item_id: string;
  product_id: string;
  status: boolean;
}
interface Group {
  group_id: string;
  group_name: string | null;
  status: boolean;
  products: Item[];
}
interface Collection {
  collection_id: string;
  name: string;
  archived: boolean;
  groups: Group[];
  updated_at: string;
}
interface Offered {
  product_id: string;
  pre_selected: boolean;
}
interface Checkout {
  collection_id: string;
  name: string;
  archived: boolean;
  items: Offered[];
  page_number: number;
  page_size: number;
  has_more: boolean;
}

const plan = (name: string, price: number, interval: 'Month' | 'Year') => ({
  name,
  tax_category: 'saas',
  price: { type: 'recurring_price', currency: 'USD', price, payment_frequency_count: 1, payment_frequency_interval: interval },
});

/** pdt_0001 Starter, pdt_0002 Pro, pdt_0003 Enterprise (monthly), pdt_0004 Starter Annual, pdt_0005 Pro Annual. */
async function products(): Promise<void> {
  await c.ok('create_product', plan('Starter', 1500, 'Month'));
  await c.ok('create_product', plan('Pro', 4900, 'Month'));
  await c.ok('create_product', plan('Enterprise', 19900, 'Month'));
  await c.ok('create_product', plan('Starter Annual', 15000, 'Year'));
  await c.ok('create_product', plan('Pro Annual', 49000, 'Year'));
}

/** pcl_0001: grp_0001 Monthly [pci_0001..0003], grp_0002 Annual [pci_0004, pci_0005]. */
async function saasPlans(): Promise<Collection> {
  await products();
  return c.ok<Collection>('create_product_collection', {
    name: 'SaaS Plans',
    description: 'Pick a plan.',
    groups: [
      { group_name: 'Monthly', products: [{ product_id: 'pdt_0001' }, { product_id: 'pdt_0002' }, { product_id: 'pdt_0003' }] },
      { group_name: 'Annual', products: [{ product_id: 'pdt_0004' }, { product_id: 'pdt_0005' }] },
    ],
    allow_downgrades: false,
    proration_billing_mode_on_upgrade: 'prorated_immediately',
  });
}

const order = (collection: Collection) =>
  collection.groups.map(
    (g) => `${g.group_name ?? '-'}${g.status ? '' : '(off)'}: ${g.products.map((i) => `${i.product_id}${i.status ? '' : '(off)'}`).join(' ')}`,
  );

const offered = async (args: Record<string, unknown> = {}) =>
  (await c.ok<Checkout>('list_collection_products', { collection_id: 'pcl_0001', ...args })).items.map(
    (p) => `${p.product_id}${p.pre_selected ? '*' : ''}`,
  );

describe('create and read', () => {
  test('create_product_collection returns the collection with ids, order and policy; get returns the same', async () => {
    const created = await saasPlans();
    expect(created).toMatchObject({
      collection_id: 'pcl_0001',
      brand_id: 'brnd_0001',
      name: 'SaaS Plans',
      description: 'Pick a plan.',
      archived: false,
      allow_upgrades: true,
      allow_downgrades: false,
      force_same_billing_interval: false,
      proration_billing_mode_on_upgrade: 'prorated_immediately',
      proration_billing_mode_on_downgrade: null,
      on_payment_failure: null,
      created_at: '2025-04-01T00:00:00.000Z',
    });
    expect(created.groups[1]).toEqual({
      group_id: 'grp_0002',
      group_name: 'Annual',
      status: true,
      products: [
        { item_id: 'pci_0004', product_id: 'pdt_0004', status: true },
        { item_id: 'pci_0005', product_id: 'pdt_0005', status: true },
      ],
    });
    expect(await c.ok('get_product_collection', { collection_id: 'pcl_0001' })).toEqual(created);
    // A list holds summaries; get_product_collection the groups (issue 14).
    const listed = await c.ok<{ items: Collection[]; has_more: boolean }>('list_product_collections', {});
    const whole = created as unknown as Record<string, unknown>;
    expect(listed.items).toEqual([Object.fromEntries(Object.keys(collectionSummarySchema.shape).map((field) => [field, whole[field]]))]);
    expect(Object.keys(listed.items[0] ?? {})).not.toContain('groups');
    expect(listed.has_more).toBe(false);
  });

  test('list_collection_products shows the checkout: prices in minor units, the first pre-selected', async () => {
    await saasPlans();
    const checkout = await c.ok<Checkout>('list_collection_products', { collection_id: 'pcl_0001', page_size: 2 });
    expect(checkout).toEqual({
      collection_id: 'pcl_0001',
      name: 'SaaS Plans',
      archived: false,
      items: [
        {
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
          trial_period_days: 0,
          pay_what_you_want: false,
          pre_selected: true,
        },
        expect.objectContaining({ product_id: 'pdt_0002', price: 4900, pre_selected: false }),
      ],
      page_number: 0,
      page_size: 2,
      has_more: true,
    });
    expect(await offered({ page_size: 2, page_number: 2 })).toEqual(['pdt_0005']);
  });

  test('an unknown collection, group or item is NOT_FOUND with the next step', async () => {
    await saasPlans();
    expect(await c.fail('get_product_collection', { collection_id: 'pcl_9' })).toBe(
      'NOT_FOUND: no product collection pcl_9. Next: list_product_collections shows the existing ids',
    );
    expect(await c.fail('delete_collection_group', { collection_id: 'pcl_0001', group_id: 'grp_9' })).toBe(
      'NOT_FOUND: no group grp_9 in product collection pcl_0001. Next: get_product_collection shows its group ids',
    );
    expect(await c.fail('update_collection_item', { collection_id: 'pcl_0001', group_id: 'grp_0002', item_id: 'pci_0001', status: false })).toBe(
      'NOT_FOUND: no item pci_0001 in group grp_0002. Next: get_product_collection shows the item ids of each group',
    );
  });
});

describe('bounded input (issue 13)', () => {
  test('51 groups in one create_product_collection are refused by the schema before any work, nothing written', async () => {
    const groups = Array.from({ length: 51 }, () => ({ products: [] }));
    expect(await c.fail('create_product_collection', { name: 'Huge', groups })).toMatch(
      /^INVALID_REQUEST_BODY: invalid arguments for create_product_collection: groups: .*50/,
    );
    expect(await c.ok('list_product_collections', {})).toMatchObject({ items: [] });
  });
});

describe('products that cannot join', () => {
  test('unknown, archived, other-brand and repeated products are refused with their codes', async () => {
    await products();
    expect(await c.fail('create_product_collection', { name: 'X', products: [{ product_id: 'pdt_9' }] })).toBe(
      'NOT_FOUND: no product pdt_9. Next: list_products shows the existing ids',
    );
    await c.ok('archive_product', { product_id: 'pdt_0005' });
    expect(await c.fail('create_product_collection', { name: 'X', products: [{ product_id: 'pdt_0005' }] })).toBe(
      'PRODUCT_IS_DELETED: product pdt_0005 is archived and cannot join a collection. Next: unarchive_product restores it, or leave it out',
    );
    await c.engine.brands.create({ name: 'Side project' });
    await c.ok('create_product', { ...plan('Side', 900, 'Month'), brand_id: 'brnd_0002' });
    expect(await c.fail('create_product_collection', { name: 'X', products: [{ product_id: 'pdt_0006' }] })).toBe(
      'BRAND_MISMATCH: product pdt_0006 belongs to brand brnd_0002, product collection pcl_0003 to brand brnd_0001. ' +
        'Next: add only products of brand brnd_0001, or create a collection with brand_id brnd_0002',
    );
    expect(
      await c.fail('create_product_collection', {
        name: 'X',
        products: [{ product_id: 'pdt_0001' }],
        groups: [{ group_name: 'Again', products: [{ product_id: 'pdt_0001' }] }],
      }),
    ).toBe(
      'INVALID_REQUEST_PARAMETERS: product pdt_0001 is listed twice; a product may appear only once per collection. Next: list each product once',
    );
    // Every refused create rolled back: nothing was stored.
    expect((await c.ok<{ items: Collection[] }>('list_product_collections', {})).items).toEqual([]);
  });

  test('add_collection_items refuses a product the collection already holds', async () => {
    await saasPlans();
    expect(await c.fail('add_collection_items', { collection_id: 'pcl_0001', group_id: 'grp_0002', products: [{ product_id: 'pdt_0001' }] })).toBe(
      'INVALID_REQUEST_PARAMETERS: product pdt_0001 is already in product collection pcl_0001 (group grp_0001); ' +
        'a product may appear only once per collection. Next: to move it to another group, remove_collection_item first',
    );
  });

  test('schema violations are INVALID_REQUEST_BODY before the engine runs', async () => {
    expect(await c.fail('create_product_collection', { name: 'X', on_payment_failure: 'retry' })).toMatch(
      /^INVALID_REQUEST_BODY: invalid arguments for create_product_collection: on_payment_failure: /,
    );
    expect(await c.fail('add_collection_items', { collection_id: 'pcl_0001', group_id: 'grp_0001', products: [] })).toMatch(
      /^INVALID_REQUEST_BODY: invalid arguments for add_collection_items: products: /,
    );
  });
});

describe('groups and items', () => {
  test('create, rename, reorder, disable and delete groups', async () => {
    await saasPlans();
    await c.ok('create_product', plan('Lifetime', 99900, 'Year'));
    const added = await c.ok<Collection>('create_collection_group', {
      collection_id: 'pcl_0001',
      group_name: 'Lifetime',
      products: [{ product_id: 'pdt_0006' }],
    });
    expect(order(added)).toEqual(['Monthly: pdt_0001 pdt_0002 pdt_0003', 'Annual: pdt_0004 pdt_0005', 'Lifetime: pdt_0006']);

    const reordered = await c.ok<Collection>('update_product_collection', {
      collection_id: 'pcl_0001',
      group_order: ['grp_0002', 'grp_0003', 'grp_0001'],
    });
    expect(order(reordered)).toEqual(['Annual: pdt_0004 pdt_0005', 'Lifetime: pdt_0006', 'Monthly: pdt_0001 pdt_0002 pdt_0003']);
    expect(await offered()).toEqual(['pdt_0004*', 'pdt_0005', 'pdt_0006', 'pdt_0001', 'pdt_0002', 'pdt_0003']);

    const disabled = await c.ok<Collection>('update_collection_group', {
      collection_id: 'pcl_0001',
      group_id: 'grp_0002',
      status: false,
      group_name: 'Yearly',
    });
    expect(order(disabled)[0]).toBe('Yearly(off): pdt_0004 pdt_0005');
    expect(await offered()).toEqual(['pdt_0006*', 'pdt_0001', 'pdt_0002', 'pdt_0003']);

    const deleted = await c.ok<Collection>('delete_collection_group', { collection_id: 'pcl_0001', group_id: 'grp_0003' });
    expect(order(deleted)).toEqual(['Yearly(off): pdt_0004 pdt_0005', 'Monthly: pdt_0001 pdt_0002 pdt_0003']);
  });

  test('group_order that is not a permutation is refused and names the groups', async () => {
    await saasPlans();
    expect(await c.fail('update_product_collection', { collection_id: 'pcl_0001', group_order: ['grp_0001'] })).toBe(
      'INVALID_REQUEST_PARAMETERS: group_order must list each of the 2 groups of product collection pcl_0001 exactly once ' +
        '(grp_0001, grp_0002); grp_0002 is missing. Next: send all 2 ids in the order wanted',
    );
  });

  test('product_order accepts product ids and moves the pre-selected product', async () => {
    await saasPlans();
    const updated = await c.ok<Collection>('update_collection_group', {
      collection_id: 'pcl_0001',
      group_id: 'grp_0001',
      product_order: ['pdt_0002', 'pci_0001', 'pdt_0003'],
    });
    expect(updated.groups[0]?.products.map((i) => i.item_id)).toEqual(['pci_0002', 'pci_0001', 'pci_0003']);
    expect(await offered()).toEqual(['pdt_0002*', 'pdt_0001', 'pdt_0003', 'pdt_0004', 'pdt_0005']);
    expect(
      await c.fail('update_collection_group', {
        collection_id: 'pcl_0001',
        group_id: 'grp_0001',
        product_order: ['pdt_0002', 'pdt_0002', 'pdt_0001', 'pdt_0003'],
      }),
    ).toBe(
      'INVALID_REQUEST_PARAMETERS: product_order must list each of the 3 items of group grp_0001 exactly once ' +
        '(pci_0002, pci_0001, pci_0003); pdt_0002 (pci_0002) is listed twice. Next: send all 3 ids in the order wanted',
    );
  });

  test('a duplicate group name is refused', async () => {
    await saasPlans();
    expect(await c.fail('create_collection_group', { collection_id: 'pcl_0001', group_name: 'Annual' })).toBe(
      'INVALID_REQUEST_PARAMETERS: product collection pcl_0001 already has a group named "Annual"; named groups are unique per collection. ' +
        'Next: pick another name, or leave group_name null',
    );
  });

  test('add, disable and remove items', async () => {
    await saasPlans();
    await c.ok('create_product', plan('Team', 9900, 'Month'));
    const added = await c.ok<Collection>('add_collection_items', {
      collection_id: 'pcl_0001',
      group_id: 'grp_0001',
      products: [{ product_id: 'pdt_0006', status: false }],
    });
    expect(order(added)[0]).toBe('Monthly: pdt_0001 pdt_0002 pdt_0003 pdt_0006(off)');

    c.engine.clock.advance(60_000);
    const disabled = await c.ok<Collection>('update_collection_item', {
      collection_id: 'pcl_0001',
      group_id: 'grp_0001',
      item_id: 'pci_0001',
      status: false,
    });
    expect(disabled.updated_at).toBe('2025-04-01T00:01:00.000Z');
    expect(await offered()).toEqual(['pdt_0002*', 'pdt_0003', 'pdt_0004', 'pdt_0005']);

    const removed = await c.ok<Collection>('remove_collection_item', { collection_id: 'pcl_0001', group_id: 'grp_0001', item_id: 'pci_0002' });
    expect(order(removed)[0]).toBe('Monthly: pdt_0001(off) pdt_0003 pdt_0006(off)');
    expect(await offered()).toEqual(['pdt_0003*', 'pdt_0004', 'pdt_0005']);
  });
});

describe('archive and unarchive', () => {
  test('archive hides the collection; unarchive restores it and reports the archived products left out', async () => {
    await saasPlans();
    const archived = await c.ok<Collection>('archive_product_collection', { collection_id: 'pcl_0001' });
    expect(archived.archived).toBe(true);
    expect((await c.ok<{ items: Collection[] }>('list_product_collections', {})).items).toEqual([]);
    expect((await c.ok<{ items: Collection[] }>('list_product_collections', { archived: true })).items.map((x) => x.collection_id)).toEqual([
      'pcl_0001',
    ]);
    expect((await c.ok<Checkout>('list_collection_products', { collection_id: 'pcl_0001' })).archived).toBe(true);

    await c.ok('archive_product', { product_id: 'pdt_0001' });
    const restored = await c.ok<Collection & { excluded_product_ids: string[] }>('unarchive_product_collection', {
      collection_id: 'pcl_0001',
    });
    expect(restored.archived).toBe(false);
    expect(restored.excluded_product_ids).toEqual(['pdt_0001']);
    expect(await offered()).toEqual(['pdt_0002*', 'pdt_0003', 'pdt_0004', 'pdt_0005']);
  });
});

describe('annotations', () => {
  test('reads are read-only; archive, delete and remove are destructive', async () => {
    const { tools } = await c.client.listTools();
    const hints = Object.fromEntries(
      tools
        .filter((t) => t.name.includes('collection'))
        // A read-only tool is idempotent; MCP ignores idempotentHint then, so it is not sent (issue 14).
        .map((t) => [
          t.name,
          [
            t.annotations?.readOnlyHint,
            t.annotations?.destructiveHint ?? false,
            t.annotations?.idempotentHint ?? t.annotations?.readOnlyHint === true,
          ],
        ]),
    );
    expect(hints).toEqual({
      create_product_collection: [false, false, false],
      get_product_collection: [true, false, true],
      list_product_collections: [true, false, true],
      update_product_collection: [false, false, true],
      archive_product_collection: [false, true, true],
      unarchive_product_collection: [false, false, true],
      create_collection_group: [false, false, false],
      update_collection_group: [false, false, true],
      delete_collection_group: [false, true, true],
      add_collection_items: [false, false, false],
      update_collection_item: [false, false, true],
      remove_collection_item: [false, true, true],
      list_collection_products: [true, false, true],
    });
  });
});
