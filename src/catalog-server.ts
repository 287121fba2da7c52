import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Engine } from './engine/index.js';
import type { ServedTool, ToolCatalog } from './tools/catalog.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/**
 * What every assistant reads first (Claude Code loads it with the tool names, before any schema): the
 * rules that hold for every tool, said once here so tool texts need not repeat them, and the entry tool
 * of each job (the five ENTRY_TOOLS are also marked anthropic/alwaysLoad). At most 1,500 bytes, kept by
 * test/tools/context-budget.test.ts.
 */
export const SERVER_INSTRUCTIONS = [
  'billing-mcp is a complete billing engine (Dodo Payments API behaviour) on a local database, in test mode: no real money moves.',
  'Rules for every tool:',
  '- Amounts are integer minor units: 3000 = $30.00. Product discounts are whole percents; discount codes use basis points (540 = 5.4%).',
  '- Ids carry their kind (pdt_ product, pcl_ collection, cus_ customer, pay_ payment, sub_ subscription, mtr_ meter): take them from the tool that creates or lists them, never guess.',
  '- Preview a plan change (preview_subscription_plan_change) and tell the user the amount before change_subscription_plan. Each line reads quantity × unit_price × proration_factor; unused time comes back as negative lines.',
  '- Time is the test clock: advance_test_clock moves it and runs the renewals, trial ends, retries and webhooks that fall due.',
  '- A failed call returns "CODE: message. Next: step": follow the next step.',
  'Entry tools by job:',
  '- catalog: list_products, create_product; plans for checkout or plan changes: create_product_collection, list_collection_products',
  '- sell: create_checkout_session, then complete_checkout_session (test cards) → payment, subscription, license key',
  '- plan changes: list_plan_change_options, preview_subscription_plan_change',
  '- usage: create_meter, then ingest_usage_events; get_usage_history shows the bill',
  '- licenses: validate_license, activate_license',
  '- time: advance_test_clock',
  'More tools (webhooks, discounts, invoices, wallets, brands) come with --toolsets all.',
].join('\n');

export interface CatalogServerOptions {
  /**
   * Streamable HTTP: a tools/call still running after this many ms closes its POST stream (SEP-1699
   * polling), and the client comes back with `GET /mcp` + `Last-Event-ID` after the priming event's
   * `retry:` to receive the answer from the event store. A proxy that cuts idle connections (60 s is
   * common) then never cuts a long advance_test_clock. Unset (stdio, legacy SSE): streams are held.
   */
  releaseStreamAfterMs?: number;
}

/**
 * One MCP server over one engine and the tools of `catalog`: buildServer (src/server.ts) with the catalog
 * given. The transports (stdio, Streamable HTTP, SSE) are thin adapters that connect to what this returns;
 * HTTP builds one per session, all sharing the engine and the catalog. This module imports no tool
 * (ALL_TOOLS is buildServer's default), so the CLI can answer tools/list before any tool module loads.
 *
 * It is the SDK's protocol-level `Server` rather than `McpServer`: McpServer (SDK 1.32.2) converts every zod
 * schema to JSON Schema again on each `tools/list`, validates every output a second time, and words an
 * argument error as "MCP error -32602: Input validation error: …", while here `tools/list` answers from the
 * catalog computed once and an argument error is an `isError` result in the house format
 * ("INVALID_REQUEST_BODY: … Next: …") that an assistant can act on.
 */
export function catalogServer(engine: Engine, catalog: ToolCatalog<ServedTool>, options: CatalogServerOptions = {}): Server {
  const server = new Server(
    { name: PACKAGE_NAME, title: 'Billing (embedded, Dodo Payments API)', version: PACKAGE_VERSION },
    { capabilities: { tools: { listChanged: false } }, instructions: SERVER_INSTRUCTIONS, jsonSchemaValidator: ajvOnFirstUse() },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: catalog.listing }));
  const { releaseStreamAfterMs } = options;
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = catalog.byName.get(request.params.name);
    // An unknown tool is a protocol fault (the client listed the tools), not a business error.
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}; tools/list shows the tools this server serves`);
    const call = tool.call(engine, request.params.arguments ?? {});
    // The SDK offers closeSSEStream only on a resumable stream (an event store, a client speaking 2025-11-25
    // that got the priming event), so closing never loses an answer.
    const release = extra.closeSSEStream;
    if (release === undefined || releaseStreamAfterMs === undefined) return call;
    const timer = setTimeout(release, releaseStreamAfterMs);
    try {
      return await call;
    } finally {
      clearTimeout(timer);
    }
  });
  return server;
}

/**
 * The SDK checks elicitation answers with Ajv and, unless given a validator, builds an Ajv instance with
 * its formats for every Server: ~7 ms of each start and of each new HTTP session. This server never
 * elicits, so here the same Ajv validator is built on its first use instead, which in practice is never.
 */
function ajvOnFirstUse(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return {
    getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
      ajv ??= new AjvJsonSchemaValidator();
      return ajv.getValidator<T>(schema);
    },
  };
}
