/** The library entry: embed the engine or the MCP server in your own process. */
export { buildServer, SERVER_INSTRUCTIONS, type ServerOptions } from './server.js';
export {
  BillingError,
  createEngine,
  FrozenClock,
  migrateToLatest,
  openDatabase,
  openPostgresDatabase,
  systemClock,
  type Clock,
  type Engine,
  type EngineOptions,
  type ErrorCode,
  type OpenedPostgres,
  type OpenPostgresOptions,
  type SchemaSnapshot,
} from './engine/index.js';
export { ALL_TOOLS } from './tools/index.js';
export { selectTools, type ToolFilter } from './tools/select.js';
export { buildToolCatalog } from './tools/catalog.js';
