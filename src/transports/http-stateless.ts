import { Router } from 'express';
import type { RequestHandler } from 'express';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { HTTP_ERROR_CODE, sendJsonRpcError } from './http-errors.js';
import type { McpSessions } from './http-sessions.js';

export interface StatelessMcpOptions {
  /** A fresh MCP server for one request; every request's server shares the engine and catalog. */
  newServer: () => Server;
  jsonBody: RequestHandler;
}

/**
 * Streamable HTTP without sessions (--stateless), for replicas behind a load balancer: every POST /mcp is
 * answered by a server and transport made for it alone, with a JSON response, and nothing of it outlives
 * the request. A client's initialize, its tool calls and its next initialize may each reach a different
 * replica: there is no session id to lose, and everything a call needs is in the database the replicas
 * share. What needs a session is not served: the standalone GET stream (server-initiated messages),
 * resuming a stream with Last-Event-ID, and the legacy SSE transport; those answer 405.
 */
export function statelessMcp({ newServer, jsonBody }: StatelessMcpOptions): McpSessions {
  const router = Router();
  const open = new Set<Server>();

  router.post('/mcp', jsonBody, async (req, res) => {
    const server = newServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    open.add(server);
    res.on('close', () => {
      open.delete(server);
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  const refuse =
    (what: string): RequestHandler =>
    (_req, res) => {
      res.set('Allow', 'POST');
      sendJsonRpcError(res, 405, HTTP_ERROR_CODE.transport, `Method not allowed: this server is stateless (--stateless), so ${what}; POST /mcp`);
    };
  router.get('/mcp', refuse('it opens no standalone stream'));
  router.delete('/mcp', refuse('there is no session to end'));
  router.all('/mcp', refuse('/mcp takes POST only'));
  router.all(['/sse', '/messages'], refuse('the legacy SSE transport, which needs a session, is not served'));

  return {
    router,
    count: () => 0,
    async closeAll() {
      await Promise.all([...open].map((server) => server.close()));
    },
  };
}
