import { z } from 'zod';
import { fromDist } from './dist.mjs';

/**
 * The tools the bench server serves: every shipped tool plus two baselines through the same defineTool
 * wrapper and catalog. `noop`: no engine work, empty result, the baseline of every target. `product_echo`:
 * no engine work, the result get_product returns for `productId` (read once, then served from memory), so
 * get_product − product_echo is the engine's share and product_echo − noop the share of the result's size.
 */
export async function loadBenchTools(dist, { productId } = {}) {
  const [{ defineTool }, { ALL_TOOLS }] = await Promise.all([fromDist(dist, 'tools/define-tool.js'), fromDist(dist, 'tools/index.js')]);
  const noop = defineTool({
    name: 'noop',
    resource: 'bench',
    operation: 'read',
    title: 'No-op',
    description: 'Returns an empty object without touching the engine. Benchmark baseline only.',
    input: z.object({}),
    output: z.object({}),
    hints: { idempotentHint: true },
    handler: async () => ({}),
  });
  let product;
  const productEcho = defineTool({
    name: 'product_echo',
    resource: 'bench',
    operation: 'read',
    title: 'Product echo',
    description: 'Returns a product read once at the first call, without touching the engine again. Benchmark baseline only.',
    input: z.object({}),
    output: z.looseObject({}),
    hints: { idempotentHint: true },
    handler: async (engine) => {
      product ??= await engine.products.get(productId);
      return product;
    },
  });
  return [...ALL_TOOLS, noop, productEcho];
}
