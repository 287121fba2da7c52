import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../define-tool.js';

export function listTools(selected: readonly ToolDefinition[]): ToolDefinition {
  const resources = [...new Set(selected.map((t) => t.resource))];
  return defineTool({
    name: 'list_tools',
    resource: 'meta',
    operation: 'read',
    title: 'List billing tools',
    description:
      'Lists the billing tools this server can run, with name, resource, operation and a one-line summary. ' +
      'Call describe_tool for a tool’s full input schema, then invoke_tool to run it. ' +
      `Resources: ${resources.join(', ')}.`,
    input: z.object({
      resource: z
        .string()
        .optional()
        .describe(`Only tools of this resource: ${resources.join(', ')}.`),
      operation: z.enum(['read', 'write']).optional().describe('Only read or only write tools.'),
    }),
    output: z.object({
      tools: z.array(z.object({ name: z.string(), resource: z.string(), operation: z.enum(['read', 'write']), summary: z.string() })),
    }),
    hints: { idempotentHint: true },
    handler: async (_engine, args) => ({
      tools: selected
        .filter(
          (t) => (args.resource === undefined || t.resource === args.resource) && (args.operation === undefined || t.operation === args.operation),
        )
        .map((t) => ({
          name: t.name,
          resource: t.resource,
          operation: t.operation,
          summary: t.description.split(/(?<=\.)\s/)[0] ?? t.description,
        })),
    }),
  });
}
