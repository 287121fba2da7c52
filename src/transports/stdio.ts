import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

/** Serves one MCP session over stdin/stdout until the client closes stdin. Logs go to stderr only. */
export async function serveStdio(server: Server): Promise<{ closed: Promise<void> }> {
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    // The client went away mid-answer (EPIPE): that ends the session, it is not a crash.
    process.stdout.on('error', () => resolve());
  });
  await server.connect(transport);
  return { closed };
}
