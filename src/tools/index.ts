import type { ToolDefinition } from './define-tool.js';
import { archiveProduct } from './products/archive-product.js';
import { createProduct } from './products/create-product.js';
import { getProduct } from './products/get-product.js';
import { listProducts } from './products/list-products.js';
import { unarchiveProduct } from './products/unarchive-product.js';
import { updateProduct } from './products/update-product.js';

/** Every tool, in the order clients list them. The one registry: filters, docs and tests all read it. */
export const ALL_TOOLS: readonly ToolDefinition[] = [
  // products
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
  archiveProduct,
  unarchiveProduct,
];
