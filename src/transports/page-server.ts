import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, isIPv6 } from 'node:net';
import type { Engine } from '../engine/index.js';

export interface PageServerOptions {
  engine: Engine;
  /** Loopback unless the operator says otherwise. */
  host: string;
  /** The first port tried; when it is taken, the next ones, then any free port. 0 = any free port. */
  port: number;
  allowedHosts: readonly string[];
  /** Browser origins besides the server's own whose form posts are accepted (a proxy's public origin). */
  allowedOrigins: readonly string[];
  log: (line: string) => void;
}

export interface RunningPageServer {
  /** The address that answers, e.g. http://127.0.0.1:3001 when 3000 was taken. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Consecutive ports tried before any free one is taken: 3000, 3001, … 3019, then what the system gives. */
export const PORT_ATTEMPTS = 20;

/**
 * The loopback page server a stdio process starts, so checkout_url and portal links answer even when MCP
 * itself runs over stdio. It listens at once but loads the pages (express and the renderers) only on its
 * first request: a stdio start that never serves a page pays nothing for them.
 */
export async function servePages(options: PageServerOptions): Promise<RunningPageServer> {
  let app: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined;
  const server = createServer((req, res) => {
    app ??= loadApp(options);
    app.then(
      (handle) => handle(req, res),
      (error: unknown) => {
        options.log(`pages: ${error instanceof Error ? error.message : String(error)}`);
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('The pages could not be loaded; see the server log.');
      },
    );
  });
  const port = await listenOnFreePort(server, options.host, options.port);
  return {
    url: `http://${isIPv6(options.host) ? `[${options.host}]` : options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function loadApp(options: PageServerOptions): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const [{ default: express }, security, { pagesRouter }, { ALL_PAGES }, { messagePage, sendPage }] = await Promise.all([
    import('express'),
    import('./http-security.js'),
    import('../web/pages-router.js'),
    import('../web/all-pages.js'),
    import('../web/layout.js'),
  ]);
  const hostnames = security.allowedHostnames(options.host, options.allowedHosts);
  const app = express();
  app.disable('x-powered-by');
  app.use(security.hostCheck(hostnames));
  app.use(security.originCheck(hostnames, options.allowedOrigins));
  app.use(pagesRouter({ engine: options.engine, log: options.log }, ALL_PAGES));
  app.use((_req, res) => {
    sendPage(res, 404, messagePage('Page not found', 'This server serves checkout pages and the customer portal; MCP runs over stdio.'));
  });
  return app;
}

async function listenOnFreePort(server: Server, host: string, first: number): Promise<number> {
  const candidates = first === 0 ? [0] : [...Array.from({ length: PORT_ATTEMPTS }, (_, i) => first + i).filter((p) => p <= 65535), 0];
  for (const port of candidates) {
    const outcome = await new Promise<number | NodeJS.ErrnoException>((resolve) => {
      const onError = (error: NodeJS.ErrnoException): void => resolve(error);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve((server.address() as AddressInfo).port);
      });
    });
    if (typeof outcome === 'number') return outcome;
    if (outcome.code !== 'EADDRINUSE') throw new Error(`the page server cannot listen on ${host}:${port}: ${outcome.message}`);
  }
  throw new Error(`the page server found no free port on ${host}`);
}
