import { findBrand, findPrimaryBrandId } from '../brands/repo.js';
import type { EngineContext } from '../context.js';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { BillingError, notFound } from '../errors.js';
import { findProducts } from '../products/repo.js';
import type { Product } from '../products/types.js';
import { toFlag } from '../shared/flags.js';
import { type Page, type PageRequest, pageOf, pageWindow, toPage } from '../shared/paging.js';
import { checkText } from '../shared/text.js';
import {
  deleteGroup,
  deleteItem,
  findCollection,
  insertCollection,
  insertGroup,
  insertItems,
  listCollections,
  nextGroupPosition,
  nextItemPosition,
  setGroupPositions,
  setItemPositions,
  updateCollectionRow,
  updateGroupRow,
  updateItemRow,
} from './repo.js';
import { checkoutProducts } from '../rules/collection-offer.js';
import { DEFAULT_POLICY_COLUMNS, firstDuplicate, permutationOf, policyColumns } from './rules.js';
import type {
  CheckoutProduct,
  Collection,
  CollectionChanges,
  CollectionCheckout,
  CollectionFilter,
  CollectionGroup,
  CollectionItem,
  GroupChanges,
  GroupProductInput,
  NewCollection,
  NewGroup,
  UnarchivedCollection,
} from './types.js';

/** Where new items go: the collection they join, and the products it already holds. */
interface Placement {
  collection_id: string;
  brand_id: string;
  /** Products already in the collection, each with its group: a product may appear once per collection. */
  existing: ReadonlyMap<string, string>;
  /** Products placed by this request so far, so one listed twice is caught too. */
  requested: Set<string>;
}

export class CollectionService {
  constructor(private readonly ctx: EngineContext) {}

  private within(trx: Db): CollectionService {
    return new CollectionService({ ...this.ctx, db: trx });
  }

  async get(collectionId: string): Promise<Collection> {
    const collection = await findCollection(this.ctx.db, this.ctx.businessId, collectionId);
    if (!collection) throw notFound('product collection', collectionId, 'list_product_collections');
    return collection;
  }

  async list(filter: CollectionFilter = {}, page?: PageRequest): Promise<Page<Collection>> {
    const window = pageWindow(page);
    return toPage(window, await listCollections(this.ctx.db, this.ctx.businessId, filter, window));
  }

  /**
   * Creates the collection with its groups and items in one transaction: a bad product in the last group
   * leaves no collection behind. Products given outside any group form one unnamed group, placed first.
   */
  async create(input: NewCollection): Promise<Collection> {
    checkDescriptive(input);
    const policy = policyColumns(input);
    const groups: NewGroup[] = [
      ...(input.products && input.products.length > 0 ? [{ group_name: null, products: input.products }] : []),
      ...(input.groups ?? []),
    ];
    for (const group of groups) checkGroupName(group.group_name);
    const repeated = firstDuplicate(groups.flatMap((g) => (g.group_name ? [g.group_name] : [])));
    if (repeated !== undefined) throw duplicateGroupName(`group_name "${repeated}" is given twice`);
    return inTransaction(this.ctx.db, async (trx) => {
      const brand_id = await this.resolveBrand(trx, input.brand_id);
      const now = this.ctx.clock.now();
      const collection_id = this.ctx.ids.next('collection');
      await insertCollection(trx, {
        collection_id,
        business_id: this.ctx.businessId,
        brand_id,
        name: input.name,
        description: input.description ?? null,
        image: input.image ?? null,
        archived: 0,
        ...DEFAULT_POLICY_COLUMNS,
        ...policy,
        created_at: now,
        updated_at: now,
      });
      const placement: Placement = { collection_id, brand_id, existing: new Map(), requested: new Set() };
      for (const [position, group] of groups.entries()) await this.insertGroup(trx, placement, group, position);
      return this.within(trx).get(collection_id);
    });
  }

  /**
   * PATCH semantics: omitted fields stay, null clears description, image and the inherited policy fields.
   * `group_order` must name every group once: groups [A, B, C] accept [C, A, B], not [C, A].
   */
  async update(collectionId: string, changes: CollectionChanges): Promise<Collection> {
    checkDescriptive(changes);
    const policy = policyColumns(changes);
    return inTransaction(this.ctx.db, async (trx) => {
      const collection = await this.within(trx).get(collectionId);
      if (changes.group_order !== undefined) {
        const order = permutationOf({
          field: 'group_order',
          what: `groups of product collection ${collectionId}`,
          current: collection.groups.map((g) => ({ id: g.group_id, keys: [g.group_id] })),
          requested: changes.group_order,
        });
        await setGroupPositions(trx, order);
      }
      await updateCollectionRow(trx, collectionId, {
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.description !== undefined && { description: changes.description }),
        ...(changes.image !== undefined && { image: changes.image }),
        ...policy,
        updated_at: this.ctx.clock.now(),
      });
      return this.within(trx).get(collectionId);
    });
  }

  /** A soft hide: the collection leaves the default list and its checkout, and unarchive brings it back. */
  async archive(collectionId: string): Promise<Collection> {
    return inTransaction(this.ctx.db, async (trx) => {
      await this.within(trx).get(collectionId);
      await updateCollectionRow(trx, collectionId, { archived: 1, updated_at: this.ctx.clock.now() });
      return this.within(trx).get(collectionId);
    });
  }

  /**
   * Restores the collection. Its archived products stay in it but are left out of checkout, and are
   * reported: items Starter, Pro (archived) → excluded_product_ids [Pro].
   */
  async unarchive(collectionId: string): Promise<UnarchivedCollection> {
    return inTransaction(this.ctx.db, async (trx) => {
      await this.within(trx).get(collectionId);
      await updateCollectionRow(trx, collectionId, { archived: 0, updated_at: this.ctx.clock.now() });
      const collection = await this.within(trx).get(collectionId);
      const productIds = [...new Set(collection.groups.flatMap((g) => g.products.map((i) => i.product_id)))];
      const products = await this.productsById(trx, productIds);
      const excluded_product_ids = productIds.filter((id) => products.get(id)?.archived === true);
      return { ...collection, excluded_product_ids };
    });
  }

  /** Adds a group after the collection's last one, with its products in the order given. */
  async createGroup(collectionId: string, input: NewGroup): Promise<Collection> {
    checkGroupName(input.group_name);
    return inTransaction(this.ctx.db, async (trx) => {
      const collection = await this.within(trx).get(collectionId);
      if (input.group_name && collection.groups.some((g) => g.group_name === input.group_name)) {
        throw duplicateGroupName(`product collection ${collectionId} already has a group named "${input.group_name}"`);
      }
      const position = await nextGroupPosition(trx, collectionId);
      await this.insertGroup(trx, placementOf(collection), input, position);
      return this.touched(trx, collectionId);
    });
  }

  /**
   * Renames (null = unnamed), enables or disables a group, and reorders its items. `product_order` names
   * every item once, by item id or product id: items [pci_1 Starter, pci_2 Pro] accept [pci_2, pci_1] or
   * [pdt_pro, pdt_starter].
   */
  async updateGroup(collectionId: string, groupId: string, changes: GroupChanges): Promise<Collection> {
    checkGroupName(changes.group_name);
    return inTransaction(this.ctx.db, async (trx) => {
      const collection = await this.within(trx).get(collectionId);
      const group = groupOf(collection, groupId);
      const name = changes.group_name;
      if (name && collection.groups.some((g) => g.group_id !== groupId && g.group_name === name)) {
        throw duplicateGroupName(`product collection ${collectionId} already has a group named "${name}"`);
      }
      if (changes.product_order !== undefined) {
        const order = permutationOf({
          field: 'product_order',
          what: `items of group ${groupId}`,
          current: group.products.map((i) => ({ id: i.item_id, keys: [i.item_id, i.product_id] })),
          requested: changes.product_order,
        });
        await setItemPositions(trx, order);
      }
      await updateGroupRow(trx, groupId, {
        ...(name !== undefined && { group_name: name }),
        ...(changes.status !== undefined && { enabled: toFlag(changes.status) }),
      });
      return this.touched(trx, collectionId);
    });
  }

  /** Removes the group and its items; the products themselves are untouched. */
  async deleteGroup(collectionId: string, groupId: string): Promise<Collection> {
    return inTransaction(this.ctx.db, async (trx) => {
      groupOf(await this.within(trx).get(collectionId), groupId);
      await deleteGroup(trx, groupId);
      return this.touched(trx, collectionId);
    });
  }

  /** Appends products to the end of a group, in the order given. */
  async addItems(collectionId: string, groupId: string, products: readonly GroupProductInput[]): Promise<Collection> {
    return inTransaction(this.ctx.db, async (trx) => {
      const collection = await this.within(trx).get(collectionId);
      groupOf(collection, groupId);
      await this.appendItems(trx, placementOf(collection), groupId, products);
      return this.touched(trx, collectionId);
    });
  }

  /** A disabled item stays in the collection but is not offered at checkout. */
  async updateItem(collectionId: string, groupId: string, itemId: string, changes: { status: boolean }): Promise<Collection> {
    return inTransaction(this.ctx.db, async (trx) => {
      itemOf(groupOf(await this.within(trx).get(collectionId), groupId), itemId);
      await updateItemRow(trx, itemId, { enabled: toFlag(changes.status) });
      return this.touched(trx, collectionId);
    });
  }

  async removeItem(collectionId: string, groupId: string, itemId: string): Promise<Collection> {
    return inTransaction(this.ctx.db, async (trx) => {
      itemOf(groupOf(await this.within(trx).get(collectionId), groupId), itemId);
      await deleteItem(trx, itemId);
      return this.touched(trx, collectionId);
    });
  }

  /**
   * Every product a checkout of this collection offers, in order, the first pre-selected (see
   * checkoutProducts in rules/collection-offer.ts). Says nothing about whether the collection is archived: a checkout
   * must refuse an archived collection itself.
   */
  async checkoutProducts(collectionId: string): Promise<CheckoutProduct[]> {
    return this.offered(await this.get(collectionId));
  }

  /** One page of what a checkout offers; `pre_selected` marks the first product of the whole list. */
  async listCheckoutProducts(collectionId: string, page?: PageRequest): Promise<CollectionCheckout> {
    const collection = await this.get(collectionId);
    const offered = await this.offered(collection);
    return { collection_id: collection.collection_id, name: collection.name, archived: collection.archived, ...pageOf(offered, page) };
  }

  private async offered(collection: Collection): Promise<CheckoutProduct[]> {
    const productIds = collection.groups.flatMap((g) => g.products.map((i) => i.product_id));
    return checkoutProducts(collection.groups, await this.productsById(this.ctx.db, productIds));
  }

  private async insertGroup(trx: Db, placement: Placement, group: NewGroup, position: number): Promise<void> {
    const group_id = this.ctx.ids.next('collectionGroup');
    await insertGroup(trx, {
      group_id,
      collection_id: placement.collection_id,
      group_name: group.group_name ?? null,
      enabled: toFlag(group.status ?? true),
      position,
      created_at: this.ctx.clock.now(),
    });
    await this.appendItems(trx, placement, group_id, group.products ?? []);
  }

  /**
   * Checks each product in the order given, first failure wins: it exists (NOT_FOUND), is not archived
   * (PRODUCT_IS_DELETED), is of the collection's brand (BRAND_MISMATCH) and is not in the collection yet,
   * in any group (INVALID_REQUEST_PARAMETERS). Then appends them after the group's last item.
   */
  private async appendItems(
    trx: Db,
    placement: Placement,
    groupId: string,
    items: readonly GroupProductInput[],
  ): Promise<void> {
    if (items.length === 0) return;
    const products = await this.productsById(
      trx,
      items.map((i) => i.product_id),
    );
    for (const { product_id } of items) {
      const product = products.get(product_id);
      if (!product) throw notFound('product', product_id, 'list_products');
      if (product.archived) {
        throw new BillingError(
          'PRODUCT_IS_DELETED',
          `product ${product_id} is archived and cannot join a collection`,
          'unarchive_product restores it, or leave it out',
        );
      }
      if (product.brand_id !== placement.brand_id) {
        throw new BillingError(
          'BRAND_MISMATCH',
          `product ${product_id} belongs to brand ${product.brand_id}, product collection ${placement.collection_id} to brand ${placement.brand_id}`,
          `add only products of brand ${placement.brand_id}, or create a collection with brand_id ${product.brand_id}`,
        );
      }
      const holder = placement.existing.get(product_id);
      if (holder !== undefined) {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `product ${product_id} is already in product collection ${placement.collection_id} (group ${holder}); a product may appear only once per collection`,
          'to move it to another group, remove_collection_item first',
        );
      }
      if (placement.requested.has(product_id)) {
        throw new BillingError(
          'INVALID_REQUEST_PARAMETERS',
          `product ${product_id} is listed twice; a product may appear only once per collection`,
          'list each product once',
        );
      }
      placement.requested.add(product_id);
    }
    const first = await nextItemPosition(trx, groupId);
    const now = this.ctx.clock.now();
    await insertItems(
      trx,
      items.map((item, index) => ({
        item_id: this.ctx.ids.next('collectionItem'),
        group_id: groupId,
        product_id: item.product_id,
        enabled: toFlag(item.status ?? true),
        position: first + index,
        created_at: now,
      })),
    );
  }

  /** A change to a group or item is a change to its collection: updated_at moves. */
  private async touched(trx: Db, collectionId: string): Promise<Collection> {
    await updateCollectionRow(trx, collectionId, { updated_at: this.ctx.clock.now() });
    return this.within(trx).get(collectionId);
  }

  private async productsById(db: Db, productIds: readonly string[]): Promise<Map<string, Product>> {
    const products = await findProducts(db, this.ctx.businessId, [...new Set(productIds)]);
    return new Map(products.map((p) => [p.product_id, p]));
  }

  private async resolveBrand(trx: Db, brandId: string | undefined): Promise<string> {
    if (brandId === undefined) {
      const primary = await findPrimaryBrandId(trx, this.ctx.businessId);
      if (!primary) throw new Error('the business has no primary brand; the engine was not set up');
      return primary;
    }
    if (!(await findBrand(trx, this.ctx.businessId, brandId))) throw notFound('brand', brandId, 'list_brands');
    return brandId;
  }
}

function placementOf(collection: Collection): Placement {
  return {
    collection_id: collection.collection_id,
    brand_id: collection.brand_id,
    existing: new Map(collection.groups.flatMap((g) => g.products.map((i) => [i.product_id, g.group_id] as const))),
    requested: new Set(),
  };
}

function groupOf(collection: Collection, groupId: string): CollectionGroup {
  const group = collection.groups.find((g) => g.group_id === groupId);
  if (!group) {
    throw new BillingError(
      'NOT_FOUND',
      `no group ${groupId} in product collection ${collection.collection_id}`,
      'get_product_collection shows its group ids',
    );
  }
  return group;
}

function itemOf(group: CollectionGroup, itemId: string): CollectionItem {
  const item = group.products.find((i) => i.item_id === itemId);
  if (!item) {
    throw new BillingError('NOT_FOUND', `no item ${itemId} in group ${group.group_id}`, 'get_product_collection shows the item ids of each group');
  }
  return item;
}

function duplicateGroupName(problem: string): BillingError {
  return new BillingError(
    'INVALID_REQUEST_PARAMETERS',
    `${problem}; named groups are unique per collection`,
    'pick another name, or leave group_name null',
  );
}

function checkGroupName(name: string | null | undefined): void {
  if (name !== null && name !== undefined) checkText('group_name', name, { min: 1, max: 100 });
}

function checkDescriptive(input: { name?: string | undefined; description?: string | null | undefined }): void {
  if (input.name !== undefined) checkText('name', input.name, { min: 1, max: 100 });
  if (input.description) checkText('description', input.description, { max: 1000 });
}
