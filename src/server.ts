import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { catalogServer } from './catalog-server.js';
import type { Engine } from './engine/index.js';
import { buildToolCatalog, type ServedTool, type ToolCatalog } from './tools/catalog.js';
import { ALL_TOOLS } from './tools/index.js';
import { toolsOfSets } from './tools/toolsets.js';

export { SERVER_INSTRUCTIONS } from './catalog-server.js';

export interface ServerOptions {
  /** The tools to expose, computed once per process (see buildToolCatalog). Default: every tool, main jobs first. */
  catalog?: ToolCatalog<ServedTool>;
}

/**
 * The default catalog, built by the first buildServer that is given none and shared by every later one:
 * a server per HTTP session (or per test) would otherwise convert every tool's schemas to JSON Schema
 * again on its first tools/list. It holds tool definitions only, never engine or database state (a tool
 * is called with the engine of the server that received the call), and ALL_TOOLS is fixed at import.
 */
let everyTool: ToolCatalog | undefined;

/** One MCP server over one engine, serving every tool (main jobs first) unless `options.catalog` says otherwise. */
export function buildServer(engine: Engine, options: ServerOptions = {}): Server {
  return catalogServer(engine, options.catalog ?? (everyTool ??= buildToolCatalog(toolsOfSets(ALL_TOOLS, ['all']))));
}
