// Rule under test: SPEC §2.1 rule 6 and D8, collection checkout — product_cart may be omitted; the first
// enabled product of the enabled groups is pre-selected; a cart product in the collection becomes the
// selected one; the buyer may switch to another offered product before paying and is charged for that one.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { BillingError } from '../../../src/engine/errors.js';
import { CARD_OK, oneTime } from '../../support/checkout-fixtures.js';
import { createTestEngine, type TestEngine } from '../../support/test-engine.js';

let engine: TestEngine;
beforeEach(async () => {
  engine = await createTestEngine();
});
afterEach(async () => {
  await engine.close();
});

const ann = { email: 'ann@example.com', name: 'Ann' };

/** Lifetime licences in two groups: [Personal (disabled), Team], [Agency]. */
async function licences() {
  const personal = await oneTime(engine, { name: 'Personal', price: 4900 });
  const team = await oneTime(engine, { name: 'Team', price: 9900 });
  const agency = await oneTime(engine, { name: 'Agency', price: 19900 });
  const outsider = await oneTime(engine, { name: 'Outsider', price: 1000 });
  const collection = await engine.collections.create({
    name: 'Lifetime licences',
    groups: [
      { group_name: 'Solo', products: [{ product_id: personal.product_id, status: false }, { product_id: team.product_id }] },
      { group_name: 'Business', products: [{ product_id: agency.product_id }] },
    ],
  });
  return { personal, team, agency, outsider, collection };
}

describe('SPEC §2.1 rule 6 / D8 collection checkout', () => {
  test('without a cart the first enabled product is pre-selected, quantity 1', async () => {
    const { team, collection } = await licences();
    const created = await engine.checkout.create({ product_collection_id: collection.collection_id, customer: ann });
    const session = await engine.checkout.get(created.session_id);
    expect(session).toMatchObject({
      product_collection_id: collection.collection_id,
      selected_product_id: team.product_id,
      product_cart: [{ product_id: team.product_id, quantity: 1 }],
      summary: { total_amount: 9900 },
    });
  });

  test('a cart product in the collection becomes the selected one', async () => {
    const { agency, collection } = await licences();
    const created = await engine.checkout.create({
      product_collection_id: collection.collection_id,
      product_cart: [{ product_id: agency.product_id, quantity: 1 }],
      customer: ann,
    });
    expect((await engine.checkout.get(created.session_id)).selected_product_id).toBe(agency.product_id);
  });

  test('a disabled item is not offered: selecting it is INVALID_REQUEST_PARAMETERS', async () => {
    const { personal, collection } = await licences();
    const error = await engine.checkout
      .create({ product_collection_id: collection.collection_id, product_cart: [{ product_id: personal.product_id, quantity: 1 }] })
      .catch((e: unknown) => e);
    expect((error as BillingError).code).toBe('INVALID_REQUEST_PARAMETERS');
  });

  test('completing with another product of the collection charges that product', async () => {
    const { team, agency, collection } = await licences();
    const created = await engine.checkout.create({ product_collection_id: collection.collection_id, customer: ann });
    const done = await engine.checkout.complete(created.session_id, { card: CARD_OK }, { product_id: agency.product_id });
    expect(done.payment).toMatchObject({ status: 'succeeded', total_amount: 19900, product_cart: [{ product_id: agency.product_id, quantity: 1 }] });
    const session = await engine.checkout.get(created.session_id);
    expect(session.selected_product_id).toBe(agency.product_id);
    expect(session.selected_product_id).not.toBe(team.product_id);
  });

  test('switching to a product outside the collection, or on a plain checkout, is INVALID_REQUEST_PARAMETERS', async () => {
    const { outsider, team, collection } = await licences();
    const inCollection = await engine.checkout.create({ product_collection_id: collection.collection_id, customer: ann });
    const outside = await engine.checkout
      .complete(inCollection.session_id, { card: CARD_OK }, { product_id: outsider.product_id })
      .catch((e: unknown) => e);
    expect((outside as BillingError).code).toBe('INVALID_REQUEST_PARAMETERS');
    const plain = await engine.checkout.create({ product_cart: [{ product_id: outsider.product_id, quantity: 1 }], customer: ann });
    const switched = await engine.checkout.complete(plain.session_id, { card: CARD_OK }, { product_id: team.product_id }).catch((e: unknown) => e);
    expect((switched as BillingError).code).toBe('INVALID_REQUEST_PARAMETERS');
  });

  test('a collection archived after the session was created cannot be switched within', async () => {
    const { agency, collection } = await licences();
    const created = await engine.checkout.create({ product_collection_id: collection.collection_id, customer: ann });
    await engine.collections.archive(collection.collection_id);
    const error = await engine.checkout.complete(created.session_id, { card: CARD_OK }, { product_id: agency.product_id }).catch((e: unknown) => e);
    expect((error as BillingError).code).toBe('PRODUCT_IS_DELETED');
  });
});
