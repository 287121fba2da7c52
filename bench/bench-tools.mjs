import { z } from 'zod';
import { fromDist } from './dist.mjs';

/**
 * The tools the bench server serves: every shipped tool plus `noop`, the baseline for every tool call:
 * same defineTool wrapper, same catalog, no engine work, empty result.
 */
export async function loadBenchTools(dist) {
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
  return [...ALL_TOOLS, noop];
}
