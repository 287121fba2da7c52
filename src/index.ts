/** The library entry: embed the engine or the MCP server in your own process. */
export { buildServer, SERVER_INSTRUCTIONS, type ServerOptions } from './server.js';
export { createEngine, type Engine, type EngineOptions } from './engine/index.js';
export { openDatabase, migrateToLatest } from './engine/db/database.js';
export type { SchemaSnapshot } from './engine/db/schema-snapshot.js';
export { FrozenClock, systemClock, type Clock } from './engine/clock.js';
export { BillingError, type ErrorCode } from './engine/errors.js';
export { ALL_TOOLS } from './tools/index.js';
export { selectTools, type ToolFilter } from './tools/select.js';
export { buildToolCatalog } from './tools/catalog.js';
