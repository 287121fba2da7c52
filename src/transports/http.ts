import { createServer, type Server as NodeHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { catalogServer } from '../catalog-server.js';
import type { Engine } from '../engine/index.js';
import type { ServedTool, ToolCatalog } from '../tools/catalog.js';
import { PACKAGE_VERSION } from '../version.js';
import { ALL_PAGES } from '../web/all-pages.js';
import { pagesRouter } from '../web/pages-router.js';
import { HTTP_ERROR_CODE, jsonRpcErrorHandler, sendJsonRpcError } from './http-errors.js';
import { DEFAULT_LICENSE_RATE_LIMIT, fastLicenseHandler, licenseEndpointPolicy, licenseRateStore, licenseRoutes } from './http-licenses.js';
import { allowedHostnames, assertSafeBinding, bearerAuth, hostCheck, originCheck, urlHost } from './http-security.js';
import { mcpSessions } from './http-sessions.js';
import { statelessMcp } from './http-stateless.js';

export interface HttpServerOptions {
  engine: Engine;
  catalog: ToolCatalog<ServedTool>;
  host: string;
  /** 0 picks a free port; RunningHttpServer.port says which. */
  port: number;
  /** Required when host is not loopback. Every route but /health then needs `Authorization: Bearer`. */
  authToken: string | undefined;
  allowedHosts: string[];
  allowedOrigins: string[];
  /** Requests per minute per client address on the public /licenses/* endpoints; 0 = no limit (default 120). */
  licenseRateLimit?: number | undefined;
  /** --read-only: the license endpoints that write answer 403 instead of failing on the read-only file. */
  readOnly?: boolean | undefined;
  /** Live MCP sessions at most (default 256): a new one closes the least recently used. */
  maxSessions?: number | undefined;
  /** How long a request's headers may take to arrive (default 10 s), and its whole body (default 30 s). */
  headersTimeoutMs?: number | undefined;
  requestTimeoutMs?: number | undefined;
  /** A tool call still running after this long moves its client to polling (default 25 s; see CatalogServerOptions). */
  releaseStreamAfterMs?: number | undefined;
  /**
   * --stateless: no MCP sessions, every POST /mcp answered on its own (http-stateless.ts), so replicas on one
   * PostgreSQL database behind a load balancer can each answer any request. Default false.
   */
  stateless?: boolean | undefined;
  log: (line: string) => void;
}

export interface RunningHttpServer {
  /** Base URL, e.g. http://127.0.0.1:3000; MCP is at `${url}/mcp`. */
  url: string;
  port: number;
  /** Closes every session, then the listener and its open connections. */
  close(): Promise<void>;
}

const HEADERS_TIMEOUT_MS = 10_000;
/** Under the 60 s idle timeout of common proxies and load balancers (nginx, AWS ALB), with room to spare. */
export const DEFAULT_RELEASE_STREAM_AFTER_MS = 25_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** Largest JSON-RPC body accepted on POST /mcp and /messages; a bigger one is answered 413. */
export const MAX_BODY = '1mb';

/**
 * Streamable HTTP at /mcp, legacy SSE at /sse + /messages, /health, the public /licenses/* endpoints and
 * the hosted pages (/checkout/…, /portal/…), over one shared engine.
 * Checks run in this order: Host, Origin, then (except /health) the bearer token, then the body is
 * read — so a refused request is answered before its body is parsed.
 */
export async function serveHttp(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { engine, catalog, host, log } = options;
  const authToken = options.authToken || undefined;
  assertSafeBinding(host, authToken);

  const hostnames = allowedHostnames(host, options.allowedHosts);
  // Body-parser reads every content type on these routes so no body is ever read without the limit;
  // the SDK transports still reject a wrong Content-Type themselves.
  const jsonBody = express.json({ limit: MAX_BODY, type: () => true });
  const releaseStreamAfterMs = options.releaseStreamAfterMs ?? DEFAULT_RELEASE_STREAM_AFTER_MS;
  const sessions =
    options.stateless === true
      ? statelessMcp({ newServer: () => catalogServer(engine, catalog, { releaseStreamAfterMs }), jsonBody })
      : mcpSessions({
          newServer: () => catalogServer(engine, catalog, { releaseStreamAfterMs }),
          jsonBody,
          log,
          maxSessions: options.maxSessions,
        });

  const licenseOptions = {
    ratePerMinute: options.licenseRateLimit ?? DEFAULT_LICENSE_RATE_LIMIT,
    store: licenseRateStore(),
    hostnames,
    refusal: licenseEndpointPolicy(
      catalog.selected.map((tool) => tool.name),
      options.readOnly ?? false,
    ),
  };
  const app = express();
  app.disable('x-powered-by');
  app.use(hostCheck(hostnames));
  app.use(originCheck(hostnames, options.allowedOrigins));
  // The checkout page and the customer portal: customers reach them by their own tokens, never the bearer's.
  // Behind the Host and Origin checks like /mcp (their forms post with this server's own Origin: see the
  // referrer policy in web/pages-router.ts), and every POST also carries its CSRF token (web/csrf.ts).
  app.use(pagesRouter({ engine, log }, ALL_PAGES));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: PACKAGE_VERSION, sessions: sessions.count() });
  });
  // Public like Dodo's own (apps call them with no API key): mounted before the bearer check.
  app.use('/licenses', licenseRoutes(engine, licenseOptions));
  if (authToken !== undefined) app.use(bearerAuth(authToken));
  app.use(sessions.router);
  app.use((req, res) => {
    sendJsonRpcError(
      res,
      404,
      HTTP_ERROR_CODE.transport,
      `Not found: ${req.method} ${req.path}; MCP is at /mcp (or /sse); pages at /checkout/<session_id> and /portal/<token>`,
    );
  });
  app.use(jsonRpcErrorHandler(log, MAX_BODY));

  // Apps' license calls (no Origin, an accepted Host) skip express; everything else goes through it.
  const licenses = fastLicenseHandler(engine, licenseOptions);
  // A request's headers must arrive within 10 s and its whole body within 30 s (checked every second):
  // headers and bodies that trickled in were held for 90-130 s. Responses (SSE streams) are not limited.
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      if (!licenses(req, res)) app(req, res);
    },
  );
  const port = await listen(server, host, options.port);
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    async close() {
      await sessions.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SSE streams are long-lived responses; without this close() would wait for clients to leave.
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: NodeHttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use; pick another with --port`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      );
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
