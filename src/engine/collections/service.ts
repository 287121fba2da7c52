import { BillingError, notFound } from '../errors.js';
import type { Product } from '../products/types.js';
import type { Scope } from '../scope.js';
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
  liveCollectionIdsHolding,
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
  constructor(private readonly scope: Scope) {}

  async get(collectionId: string): Promise<Collection> {
    const collection = await this.find(collectionId);
    if (!collection) throw notFound('product collection', collectionId, 'list_product_collections');
    return collection;
  }

  async list(filter: CollectionFilter = {}, page?: PageRequest): Promise<Page<Collection>> {
    const window = pageWindow(page);
    return toPage(window, await listCollections(this.scope.db, this.scope.businessId, filter, window));
  }

  /** The collection, archived or not, or undefined when the business has no such id. */
  find(collectionId: string): Promise<Collection | undefined> {
    return findCollection(this.scope.db, this.scope.businessId, collectionId);
  }

  /** The one live collection holding the product, or null when none or several hold it (SPEC D7). */
  async soleLiveHolderOf(productId: string): Promise<string | null> {
    const holders = await liveCollectionIdsHolding(this.scope.db, this.scope.businessId, productId);
    return holders.length === 1 ? (holders[0] ?? null) : null;
  }

  /**
   * The collection whose plan-change policy governs a subscription (SPEC D7): the one it was bought
   * through, else the one live collection holding its product; none when zero or several hold it.
   */
  async governing(sub: { collection_id: string | null; product_id: string }): Promise<Collection | null> {
    if (sub.collection_id !== null) return (await this.find(sub.collection_id)) ?? null;
    const holder = await this.soleLiveHolderOf(sub.product_id);
    return holder === null ? null : ((await this.find(holder)) ?? null);
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
    return this.scope.transaction(async (tx) => {
      const brand_id = await tx.brands.resolve(input.brand_id);
      const now = tx.clock.now();
      const collection_id = tx.ids.next('collection');
      await insertCollection(tx.db, {
        collection_id,
        business_id: tx.businessId,
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
      for (const [position, group] of groups.entries()) await this.insertGroup(tx, placement, group, position);
      return tx.collections.get(collection_id);
    });
  }

  /**
   * PATCH semantics: omitted fields stay, null clears description, image and the inherited policy fields.
   * `group_order` must name every group once: groups [A, B, C] accept [C, A, B], not [C, A].
   */
  async update(collectionId: string, changes: CollectionChanges): Promise<Collection> {
    checkDescriptive(changes);
    const policy = policyColumns(changes);
    return this.scope.transaction(async (tx) => {
      const collection = await tx.collections.get(collectionId);
      if (changes.group_order !== undefined) {
        const order = permutationOf({
          field: 'group_order',
          what: `groups of product collection ${collectionId}`,
          current: collection.groups.map((g) => ({ id: g.group_id, keys: [g.group_id] })),
          requested: changes.group_order,
        });
        await setGroupPositions(tx.db, order);
      }
      await updateCollectionRow(tx.db, collectionId, {
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.description !== undefined && { description: changes.description }),
        ...(changes.image !== undefined && { image: changes.image }),
        ...policy,
        updated_at: tx.clock.now(),
      });
      return tx.collections.get(collectionId);
    });
  }

  /** A soft hide: the collection leaves the default list and its checkout, and unarchive brings it back. */
  async archive(collectionId: string): Promise<Collection> {
    return this.scope.transaction(async (tx) => {
      await tx.collections.get(collectionId);
      await updateCollectionRow(tx.db, collectionId, { archived: 1, updated_at: tx.clock.now() });
      return tx.collections.get(collectionId);
    });
  }

  /**
   * Restores the collection. Its archived products stay in it but are left out of checkout, and are
   * reported: items Starter, Pro (archived) → excluded_product_ids [Pro].
   */
  async unarchive(collectionId: string): Promise<UnarchivedCollection> {
    return this.scope.transaction(async (tx) => {
      await tx.collections.get(collectionId);
      await updateCollectionRow(tx.db, collectionId, { archived: 0, updated_at: tx.clock.now() });
      const collection = await tx.collections.get(collectionId);
      const productIds = [...new Set(collection.groups.flatMap((g) => g.products.map((i) => i.product_id)))];
      const products = await this.productsById(tx, productIds);
      const excluded_product_ids = productIds.filter((id) => products.get(id)?.archived === true);
      return { ...collection, excluded_product_ids };
    });
  }

  /** Adds a group after the collection's last one, with its products in the order given. */
  async createGroup(collectionId: string, input: NewGroup): Promise<Collection> {
    checkGroupName(input.group_name);
    return this.scope.transaction(async (tx) => {
      const collection = await tx.collections.get(collectionId);
      if (input.group_name && collection.groups.some((g) => g.group_name === input.group_name)) {
        throw duplicateGroupName(`product collection ${collectionId} already has a group named "${input.group_name}"`);
      }
      const position = await nextGroupPosition(tx.db, collectionId);
      await this.insertGroup(tx, placementOf(collection), input, position);
      return this.touched(tx, collectionId);
    });
  }

  /**
   * Renames (null = unnamed), enables or disables a group, and reorders its items. `product_order` names
   * every item once, by item id or product id: items [pci_1 Starter, pci_2 Pro] accept [pci_2, pci_1] or
   * [pdt_pro, pdt_starter].
   */
  async updateGroup(collectionId: string, groupId: string, changes: GroupChanges): Promise<Collection> {
    checkGroupName(changes.group_name);
    return this.scope.transaction(async (tx) => {
      const collection = await tx.collections.get(collectionId);
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
        await setItemPositions(tx.db, order);
      }
      await updateGroupRow(tx.db, groupId, {
        ...(name !== undefined && { group_name: name }),
        ...(changes.status !== undefined && { enabled: toFlag(changes.status) }),
      });
      return this.touched(tx, collectionId);
    });
  }

  /** Removes the group and its items; the products themselves are untouched. */
  async deleteGroup(collectionId: string, groupId: string): Promise<Collection> {
    return this.scope.transaction(async (tx) => {
      groupOf(await tx.collections.get(collectionId), groupId);
      await deleteGroup(tx.db, groupId);
      return this.touched(tx, collectionId);
    });
  }

  /** Appends products to the end of a group, in the order given. */
  async addItems(collectionId: string, groupId: string, products: readonly GroupProductInput[]): Promise<Collection> {
    return this.scope.transaction(async (tx) => {
      const collection = await tx.collections.get(collectionId);
      groupOf(collection, groupId);
      await this.appendItems(tx, placementOf(collection), groupId, products);
      return this.touched(tx, collectionId);
    });
  }

  /** A disabled item stays in the collection but is not offered at checkout. */
  async updateItem(collectionId: string, groupId: string, itemId: string, changes: { status: boolean }): Promise<Collection> {
    return this.scope.transaction(async (tx) => {
      itemOf(groupOf(await tx.collections.get(collectionId), groupId), itemId);
      await updateItemRow(tx.db, itemId, { enabled: toFlag(changes.status) });
      return this.touched(tx, collectionId);
    });
  }

  async removeItem(collectionId: string, groupId: string, itemId: string): Promise<Collection> {
    return this.scope.transaction(async (tx) => {
      itemOf(groupOf(await tx.collections.get(collectionId), groupId), itemId);
      await deleteItem(tx.db, itemId);
      return this.touched(tx, collectionId);
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
    return checkoutProducts(collection.groups, await this.productsById(this.scope, productIds));
  }

  private async insertGroup(tx: Scope, placement: Placement, group: NewGroup, position: number): Promise<void> {
    const group_id = tx.ids.next('collectionGroup');
    await insertGroup(tx.db, {
      group_id,
      collection_id: placement.collection_id,
      group_name: group.group_name ?? null,
      enabled: toFlag(group.status ?? true),
      position,
      created_at: tx.clock.now(),
    });
    await this.appendItems(tx, placement, group_id, group.products ?? []);
  }

  /**
   * Checks each product in the order given, first failure wins: it exists (NOT_FOUND), is not archived
   * (PRODUCT_IS_DELETED), is of the collection's brand (BRAND_MISMATCH) and is not in the collection yet,
   * in any group (INVALID_REQUEST_PARAMETERS). Then appends them after the group's last item.
   */
  private async appendItems(tx: Scope, placement: Placement, groupId: string, items: readonly GroupProductInput[]): Promise<void> {
    if (items.length === 0) return;
    const products = await this.productsById(
      tx,
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
    const first = await nextItemPosition(tx.db, groupId);
    const now = tx.clock.now();
    await insertItems(
      tx.db,
      items.map((item, index) => ({
        item_id: tx.ids.next('collectionItem'),
        group_id: groupId,
        product_id: item.product_id,
        enabled: toFlag(item.status ?? true),
        position: first + index,
        created_at: now,
      })),
    );
  }

  /** A change to a group or item is a change to its collection: updated_at moves. */
  private async touched(tx: Scope, collectionId: string): Promise<Collection> {
    await updateCollectionRow(tx.db, collectionId, { updated_at: tx.clock.now() });
    return tx.collections.get(collectionId);
  }

  private async productsById(scope: Scope, productIds: readonly string[]): Promise<Map<string, Product>> {
    const products = await scope.products.findMany([...new Set(productIds)]);
    return new Map(products.map((p) => [p.product_id, p]));
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
