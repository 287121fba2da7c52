import { z } from 'zod';
import { defineTool, errorResult, type ToolDefinition } from '../define-tool.js';
import { findSelected } from './describe-tool.js';

/**
 * Runs a selected tool by name with the same validation and error results as calling it directly, and
 * returns that tool's own result. Only the selected tools are reachable, so a read-only server's
 * invoke_tool cannot find a tool that writes.
 */
export function invokeTool(selected: readonly ToolDefinition[]): ToolDefinition {
  const readOnly = selected.every((t) => t.operation === 'read');
  const envelope = defineTool({
    name: 'invoke_tool',
    resource: 'meta',
    operation: readOnly ? 'read' : 'write',
    title: 'Invoke a billing tool',
    description:
      'Runs one billing tool by name with its arguments and returns exactly what that tool returns. ' +
      'Build the arguments from describe_tool’s input schema. Amounts are integer minor units (3000 = $30.00).',
    input: z.object({
      name: z.string().describe('Tool name from list_tools.'),
      arguments: z.record(z.string(), z.unknown()).optional().describe('The tool’s arguments, as its input schema says.'),
    }),
    output: z.object({}).catchall(z.unknown()),
    handler: async () => ({}),
  });
  return {
    ...envelope,
    async call(engine, args) {
      const parsed = envelope.input.safeParse(args ?? {});
      // A malformed envelope gets the standard INVALID_REQUEST_BODY result from the envelope itself.
      if (!parsed.success) return envelope.call(engine, args);
      const { name, arguments: toolArgs } = parsed.data as { name: string; arguments?: Record<string, unknown> };
      try {
        return await findSelected(selected, name).call(engine, toolArgs ?? {});
      } catch (error) {
        return errorResult('invoke_tool', error);
      }
    },
  };
}
