import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { BoundedLines, leadingRequestId } from './stdio-lines.js';

/** JSON-RPC "Invalid Request": the answer to a message too large to read. */
const INVALID_REQUEST = -32600;

/**
 * Serves one MCP session over stdin/stdout until the client closes stdin. Logs go to stderr only. A
 * message longer than the SDK reads (10 MiB) is skipped rather than ending the session: it is logged and,
 * when its id can be read, answered with an Invalid Request error, and the next message is served.
 */
export async function serveStdio(server: Server, log: (line: string) => void = () => undefined): Promise<{ closed: Promise<void> }> {
  // One byte under the SDK's buffer: the SDK only ever sees whole messages that fit it.
  const maxBytes = STDIO_DEFAULT_MAX_BUFFER_SIZE - 1;
  const input = new BoundedLines(maxBytes, (head, bytes) => {
    const id = leadingRequestId(head);
    const size = `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    log(
      `dropped a message of ${size} on stdin, over the ${STDIO_DEFAULT_MAX_BUFFER_SIZE / 2 ** 20} MiB an MCP stdio message may take${id === null ? '' : ` (request id ${JSON.stringify(id)}, answered with an error)`}; still serving`,
    );
    if (id === null) return;
    const error = {
      code: INVALID_REQUEST,
      message: `the request is ${size}, over the ${STDIO_DEFAULT_MAX_BUFFER_SIZE / 2 ** 20} MiB this server reads; send a smaller one`,
    };
    process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id, error })}\n`);
  });
  process.stdin.pipe(input);
  const transport = new StdioServerTransport(input, process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    // The client went away mid-answer (EPIPE): that ends the session, it is not a crash.
    process.stdout.on('error', () => resolve());
  });
  await server.connect(transport);
  return { closed };
}
