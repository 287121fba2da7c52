import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Engine } from './engine/index.js';
import type { ServedTool, ToolCatalog } from './tools/catalog.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

export const SERVER_INSTRUCTIONS = [
  'billing-mcp runs a complete billing engine (modelled on the Dodo Payments API) on a local SQLite database, in test mode: no real money moves.',
  'Amounts are integer minor units: 3000 means $30.00 in USD. Percent discounts on products are whole percents; discount codes use basis points (540 = 5.4%).',
  'Ids carry a prefix that names their kind: pdt_ product, adn_ addon, brnd_ brand, pcl_ product collection, grp_ collection group, pci_ collection item, cus_ customer, sub_ subscription, pay_ payment.',
  'To present plans, call list_collection_products: it returns a collection’s products in checkout order with the pre-selected one marked.',
  'Before changing a subscription’s plan, preview the change and tell the user what will be charged or credited.',
  'Every failed call returns "CODE: message. Next: step"; follow the next step rather than guessing ids.',
].join('\n');

/**
 * One MCP server over one engine and the tools of `catalog`: buildServer (src/server.ts) with the catalog
 * given. The transports (stdio, Streamable HTTP, SSE) are thin adapters that connect to what this returns;
 * HTTP builds one per session, all sharing the engine and the catalog. This module imports no tool
 * (ALL_TOOLS is buildServer's default), so the CLI can answer tools/list before any tool module loads.
 *
 * It is the SDK's protocol-level `Server` rather than `McpServer`: McpServer converts every zod schema to
 * JSON Schema again on each `tools/list` and turns argument errors into protocol errors, while here
 * `tools/list` answers from the catalog computed once and argument errors are `isError` results in the
 * house format ("INVALID_REQUEST_BODY: … Next: …") that an assistant can act on.
 */
export function catalogServer(engine: Engine, catalog: ToolCatalog<ServedTool>): Server {
  const server = new Server(
    { name: PACKAGE_NAME, title: 'Billing (embedded, Dodo Payments API)', version: PACKAGE_VERSION },
    { capabilities: { tools: { listChanged: false } }, instructions: SERVER_INSTRUCTIONS, jsonSchemaValidator: ajvOnFirstUse() },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: catalog.listing }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = catalog.byName.get(request.params.name);
    // An unknown tool is a protocol fault (the client listed the tools), not a business error.
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}; tools/list shows the tools this server serves`);
    return tool.call(engine, request.params.arguments ?? {});
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
