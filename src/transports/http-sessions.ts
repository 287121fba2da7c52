import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { HTTP_ERROR_CODE, sendJsonRpcError } from './http-errors.js';
import { HttpEventStore } from './http-event-store.js';

export interface McpSessionsOptions {
  /** A fresh MCP server for one session; every session's server shares the engine and catalog. */
  newServer: () => Server;
  /** Parses (and bounds) the JSON body of the POST routes. */
  jsonBody: RequestHandler;
  log: (line: string) => void;
  /** A Streamable HTTP session unused this long is closed (default 30 min): clients often never DELETE. */
  idleTimeoutMs?: number;
  /**
   * Live sessions at most (default 256; each holds an MCP server, ~50 KB): a new one closes the least
   * recently used. 3,000 sessions that only sent initialize held 160 MB for 30 minutes.
   */
  maxSessions?: number;
  /** Where Streamable HTTP streams keep their events for resumption (default: a fresh store, default limits). */
  events?: HttpEventStore;
}

export interface McpSessions {
  /** /mcp (Streamable HTTP: POST, GET, DELETE) and /sse + /messages (legacy SSE). */
  readonly router: Router;
  count(): number;
  closeAll(): Promise<void>;
}

interface Session<T extends Transport> {
  server: Server;
  transport: T;
  /** Wall-clock ms of the last request, for the idle sweep (transport time, not billing time). */
  lastSeen: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
const DEFAULT_MAX_SESSIONS = 256;
/**
 * The SSE `retry:` field of each POST stream's priming event: a client whose stream dropped reconnects
 * this many ms later with `GET /mcp` + `Last-Event-ID` and receives what it missed (the SDK client waits
 * exactly this long). 1000 gets a lost answer back within about a second.
 */
export const SSE_RETRY_MS = 1000;

/**
 * The MCP sessions of one HTTP server. One server per session, made on `initialize` (Streamable HTTP)
 * or on GET /sse, kept in a map by session id and dropped when its transport closes. Everything
 * MCP-specific (protocol versions, Accept headers, stream handling) is left to the SDK transports.
 * Streamable HTTP streams are resumable: the SDK keeps each one's events in `events` and replays them
 * to a `GET /mcp` carrying `Last-Event-ID`; a closed session's events are dropped with it.
 */
export function mcpSessions({
  newServer,
  jsonBody,
  log,
  idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS,
  maxSessions = DEFAULT_MAX_SESSIONS,
  events = new HttpEventStore(),
}: McpSessionsOptions): McpSessions {
  const streamable = new Map<string, Session<StreamableHTTPServerTransport>>();
  const sse = new Map<string, Session<SSEServerTransport>>();
  const router = Router();

  /** Before a session opens: at the cap, the least recently used one (either kind) is closed to make room. */
  const makeRoom = (): void => {
    if (streamable.size + sse.size < maxSessions) return;
    let oldest: [string, Session<Transport>] | undefined;
    for (const entry of [...streamable, ...sse]) if (oldest === undefined || entry[1].lastSeen < oldest[1].lastSeen) oldest = entry;
    if (oldest === undefined) return;
    const [id, session] = oldest;
    streamable.delete(id);
    sse.delete(id);
    log(`session ${id} closed: ${maxSessions} sessions are open, the most this server keeps; it was the least recently used`);
    void session.server.close();
  };

  // SSE sessions end with their stream; Streamable ones only on DELETE, which many clients never send.
  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - idleTimeoutMs;
      for (const [id, session] of streamable) {
        if (session.lastSeen >= cutoff) continue;
        log(`session ${id} idle for ${Math.round(idleTimeoutMs / 60_000)} min: closing it`);
        void session.server.close();
      }
    },
    Math.min(idleTimeoutMs, 60_000),
  );
  sweep.unref();

  const streamableSession = (req: Request, res: Response): Session<StreamableHTTPServerTransport> | undefined => {
    const id = req.get('mcp-session-id');
    if (id === undefined) {
      sendJsonRpcError(res, 400, HTTP_ERROR_CODE.transport, 'Bad Request: no mcp-session-id header; send initialize first');
      return undefined;
    }
    const session = streamable.get(id);
    if (session === undefined) sendJsonRpcError(res, 404, HTTP_ERROR_CODE.sessionNotFound, 'Session not found; initialize a new session');
    else session.lastSeen = Date.now();
    return session;
  };

  router.post('/mcp', jsonBody, async (req, res) => {
    if (req.get('mcp-session-id') !== undefined) {
      const session = streamableSession(req, res);
      if (session) await session.transport.handleRequest(req, res, req.body);
      return;
    }
    if (!isInitializeRequest(req.body)) {
      sendJsonRpcError(res, 400, HTTP_ERROR_CODE.transport, 'Bad Request: no mcp-session-id header; send initialize first');
      return;
    }
    const server = newServer();
    // The id is chosen first so the session's event store is keyed by it from the priming event on.
    const sessionId = randomUUID();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => sessionId,
      eventStore: events.forSession(sessionId),
      retryInterval: SSE_RETRY_MS,
      onsessioninitialized: (id) => {
        makeRoom();
        streamable.set(id, { server, transport, lastSeen: Date.now() });
        log(`session ${id} opened (Streamable HTTP)`);
      },
    });
    // Set before connect: the server chains its own close handler after this one.
    transport.onclose = () => {
      events.dropSession(sessionId);
      if (streamable.delete(sessionId)) log(`session ${sessionId} closed`);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
    // The transport refused the initialize (bad headers, bad version): no session was made.
    if (transport.sessionId === undefined) await server.close();
  });

  router.get('/mcp', async (req, res) => {
    const session = streamableSession(req, res);
    if (session) await session.transport.handleRequest(req, res);
  });

  router.delete('/mcp', async (req, res) => {
    const session = streamableSession(req, res);
    if (session) await session.transport.handleRequest(req, res);
  });

  router.all('/mcp', (_req, res) => {
    res.set('Allow', 'GET, POST, DELETE');
    sendJsonRpcError(res, 405, HTTP_ERROR_CODE.transport, 'Method not allowed; /mcp takes GET, POST and DELETE');
  });

  router.get('/sse', async (_req, res) => {
    const server = newServer();
    const transport = new SSEServerTransport('/messages', res);
    const id = transport.sessionId;
    makeRoom();
    sse.set(id, { server, transport, lastSeen: Date.now() });
    transport.onclose = () => {
      if (sse.delete(id)) log(`session ${id} closed`);
    };
    log(`session ${id} opened (SSE)`);
    await server.connect(transport);
  });

  router.post('/messages', jsonBody, async (req, res) => {
    const id = req.query.sessionId;
    if (typeof id !== 'string') {
      sendJsonRpcError(res, 400, HTTP_ERROR_CODE.transport, 'Bad Request: /messages needs ?sessionId= from the /sse endpoint event');
      return;
    }
    const session = sse.get(id);
    if (session === undefined) {
      sendJsonRpcError(res, 404, HTTP_ERROR_CODE.sessionNotFound, 'Session not found; open a new stream at /sse');
      return;
    }
    session.lastSeen = Date.now();
    await session.transport.handlePostMessage(req, res, req.body);
  });

  return {
    router,
    count: () => streamable.size + sse.size,
    async closeAll() {
      clearInterval(sweep);
      const sessions = [...streamable.values(), ...sse.values()];
      await Promise.all(sessions.map((session) => session.server.close()));
    },
  };
}
