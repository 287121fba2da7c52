import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from '../tools/define-tool.js';
import { toolsetNameOf } from '../tools/toolsets.js';

/** What --list needs of a tool: a ToolDefinition, or the build's description of one not loaded yet. */
type ListedTool = Pick<ToolDefinition, 'name' | 'resource' | 'operation' | 'title'>;

/**
 * The --list text: exactly the tools a client is sent, in the order it is sent them, each with its
 * toolset, operation and title, then the count and the size of the tools/list answer:
 *   create_product                       write  catalog        Create a product
 *   …
 *   29 tools, tools/list 44,555 bytes (about 11,139 tokens)
 */
export function formatToolList(tools: readonly ListedTool[], listing: readonly Tool[]): string {
  const lines = tools.map(
    (tool) => `${tool.name.padEnd(36)} ${tool.operation.padEnd(5)}  ${(toolsetNameOf(tool.name) ?? tool.resource).padEnd(14)} ${tool.title}`,
  );
  const bytes = Buffer.byteLength(JSON.stringify({ tools: listing }));
  const count = `${tools.length} tool${tools.length === 1 ? '' : 's'}`;
  lines.push('', `${count}, tools/list ${bytes.toLocaleString('en-US')} bytes (about ${approximateTokens(bytes).toLocaleString('en-US')} tokens)`);
  return lines.join('\n');
}

/** Tokens as the usual rule of thumb for JSON counts them: a token per 4 bytes. */
export function approximateTokens(bytes: number): number {
  return Math.round(bytes / 4);
}
