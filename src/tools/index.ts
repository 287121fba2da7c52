import { createAddon } from './addons/create-addon.js';
import { getAddon } from './addons/get-addon.js';
import { listAddons } from './addons/list-addons.js';
import { updateAddon } from './addons/update-addon.js';
import { createBrand } from './brands/create-brand.js';
import { getBrand } from './brands/get-brand.js';
import { listBrands } from './brands/list-brands.js';
import { updateBrand } from './brands/update-brand.js';
import { addCollectionItems } from './collections/add-collection-items.js';
import { archiveProductCollection } from './collections/archive-product-collection.js';
import { createCollectionGroup } from './collections/create-collection-group.js';
import { createProductCollection } from './collections/create-product-collection.js';
import { deleteCollectionGroup } from './collections/delete-collection-group.js';
import { getProductCollection } from './collections/get-product-collection.js';
import { listCollectionProducts } from './collections/list-collection-products.js';
import { listProductCollections } from './collections/list-product-collections.js';
import { removeCollectionItem } from './collections/remove-collection-item.js';
import { unarchiveProductCollection } from './collections/unarchive-product-collection.js';
import { updateCollectionGroup } from './collections/update-collection-group.js';
import { updateCollectionItem } from './collections/update-collection-item.js';
import { updateProductCollection } from './collections/update-product-collection.js';
import type { ToolDefinition } from './define-tool.js';
import { archiveProduct } from './products/archive-product.js';
import { createProduct } from './products/create-product.js';
import { getProduct } from './products/get-product.js';
import { listProducts } from './products/list-products.js';
import { unarchiveProduct } from './products/unarchive-product.js';
import { updateProduct } from './products/update-product.js';
import { getBusinessSettings } from './settings/get-business-settings.js';
import { updateBusinessSettings } from './settings/update-business-settings.js';

/** Every tool, in the order clients list them. The one registry: filters, docs and tests all read it. */
export const ALL_TOOLS: readonly ToolDefinition[] = [
  // products
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
  archiveProduct,
  unarchiveProduct,
  // collections
  createProductCollection,
  getProductCollection,
  listProductCollections,
  updateProductCollection,
  archiveProductCollection,
  unarchiveProductCollection,
  createCollectionGroup,
  updateCollectionGroup,
  deleteCollectionGroup,
  addCollectionItems,
  updateCollectionItem,
  removeCollectionItem,
  listCollectionProducts,
  // addons
  createAddon,
  getAddon,
  listAddons,
  updateAddon,
  // brands
  createBrand,
  getBrand,
  listBrands,
  updateBrand,
  // settings
  getBusinessSettings,
  updateBusinessSettings,
];
