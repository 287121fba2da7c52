// Placeholder during the session: replaced by the HTTP transport work before any commit that ships it.
import type { Engine } from '../engine/index.js';
import type { ToolCatalog } from '../tools/catalog.js';

export interface HttpServerOptions {
  engine: Engine;
  catalog: ToolCatalog;
  host: string;
  port: number;
  authToken: string | undefined;
  allowedHosts: string[];
  allowedOrigins: string[];
  log: (line: string) => void;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

export async function serveHttp(_options: HttpServerOptions): Promise<RunningHttpServer> {
  throw new Error('HTTP transport not built yet');
}
