// Rule under test: --tools=dynamic exposes exactly list_tools, describe_tool and invoke_tool over the selected
// set; invoke_tool validates and answers as the tool itself would, and cannot reach an unselected tool.
import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { parseCliOptions } from '../../src/cli/options.js';
import { buildToolCatalog } from '../../src/tools/catalog.js';
import { toJsonSchema } from '../../src/tools/json-schema.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { selectTools } from '../../src/tools/select.js';
import { type ConnectedClient, connectClient, textOf } from '../support/mcp-client.js';
import { TEST_START } from '../support/test-engine.js';

let c: ConnectedClient;
afterEach(async () => {
  await c.close();
});

async function connectDynamic(argv: string[]): Promise<ConnectedClient> {
  const options = parseCliOptions(['--tools=dynamic', ...argv], {});
  return connectClient({ catalog: buildToolCatalog(selectTools(ALL_TOOLS, options.filter), options.tools === 'dynamic') });
}

describe('every tool selected', () => {
  test('tools/list shows exactly the three meta-tools; invoke_tool may write', async () => {
    c = await connectDynamic([]);
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_tools', 'describe_tool', 'invoke_tool']);
    expect(tools.find((t) => t.name === 'invoke_tool')?.annotations?.readOnlyHint).toBe(false);
  });

  test('invoke_tool runs a read tool and returns its own result', async () => {
    c = await connectDynamic([]);
    const result = await c.call('invoke_tool', { name: 'get_business_settings' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      business_id: 'bus_0001',
      allow_multiple_subscriptions: true,
      allow_subscription_updates: false,
      default_tax_rate_bps: 0,
      // SPEC D18: the plan-change defaults a collection's null fields inherit.
      proration_billing_mode_on_upgrade: 'prorated_immediately',
      proration_billing_mode_on_downgrade: 'prorated_immediately',
      effective_at_on_upgrade: 'immediately',
      effective_at_on_downgrade: 'next_billing_date',
      on_payment_failure: 'apply_change',
      updated_at: TEST_START,
    });
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
  });

  test('invoke_tool runs a write tool, and its errors are the tool’s own', async () => {
    c = await connectDynamic([]);
    expect(await c.ok('invoke_tool', { name: 'create_brand', arguments: { name: 'Acme' } })).toMatchObject({ brand_id: 'brnd_0002' });
    expect(await c.fail('invoke_tool', { name: 'update_brand', arguments: { brand_id: 'brnd_0001', name: 'X' } })).toMatch(
      /^UNABLE_TO_EDIT_PRIMARY_BRAND: /,
    );
  });

  test('describe_tool returns the input schema tools/list gives in static mode, and the whole output shape it sums up', async () => {
    c = await connectDynamic([]);
    const described = await c.ok<{ input_schema: unknown; output_schema: unknown; operation: string }>('describe_tool', { name: 'update_brand' });
    const [staticEntry] = buildToolCatalog(ALL_TOOLS.filter((t) => t.name === 'update_brand')).listing;
    expect(described.operation).toBe('write');
    expect(described.input_schema).toEqual(staticEntry?.inputSchema);
    expect(described.output_schema).toEqual(toJsonSchema(ALL_TOOLS.find((t) => t.name === 'update_brand')?.output ?? z.object({}), 'output'));
    expect(Object.keys((described.output_schema as { properties: object }).properties)).toEqual(
      Object.keys((staticEntry?.outputSchema as { properties: object }).properties),
    );
  });
});

describe('a read-only selection', () => {
  test('list_tools lists read tools only and invoke_tool is read-only', async () => {
    c = await connectDynamic(['--read-only', '--resource=products,settings']);
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_tools', 'describe_tool', 'invoke_tool']);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    const listed = await c.ok<{ tools: { name: string; operation: string }[] }>('list_tools');
    expect(listed.tools.map((t) => t.name)).toEqual(['get_product', 'list_products', 'get_business_settings']);
  });

  test('invoke_tool and describe_tool cannot reach create_product', async () => {
    c = await connectDynamic(['--read-only']);
    const next = 'Next: list_tools shows the tools it can run';
    expect(await c.fail('invoke_tool', { name: 'create_product', arguments: {} })).toBe(`NOT_FOUND: no tool create_product on this server. ${next}`);
    expect(await c.fail('describe_tool', { name: 'create_product' })).toBe(`NOT_FOUND: no tool create_product on this server. ${next}`);
    expect(await c.ok('invoke_tool', { name: 'list_products' })).toMatchObject({ items: [], has_more: false });
  });
});
