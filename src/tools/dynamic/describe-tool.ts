import { z } from 'zod';
import { BillingError } from '../../engine/index.js';
import { defineTool, type ToolDefinition } from '../define-tool.js';
import { toJsonSchema } from '../json-schema.js';

export function describeTool(selected: readonly ToolDefinition[]): ToolDefinition {
  return defineTool({
    name: 'describe_tool',
    resource: 'meta',
    operation: 'read',
    title: 'Describe a billing tool',
    description:
      'Returns one billing tool’s full description, input schema, output schema and hints, so its arguments ' +
      'can be built for invoke_tool. Use list_tools for the names.',
    input: z.object({ name: z.string().describe('Tool name from list_tools, e.g. get_product.') }),
    output: z.object({
      name: z.string(),
      title: z.string(),
      description: z.string(),
      operation: z.enum(['read', 'write']),
      input_schema: z.record(z.string(), z.unknown()),
      output_schema: z.record(z.string(), z.unknown()),
      annotations: z.record(z.string(), z.unknown()),
    }),
    hints: { idempotentHint: true },
    handler: async (_engine, { name }) => {
      const tool = findSelected(selected, name);
      return {
        name: tool.name,
        title: tool.title,
        description: tool.description,
        operation: tool.operation,
        input_schema: toJsonSchema(tool.input, 'input'),
        output_schema: toJsonSchema(tool.output, 'output'),
        annotations: { ...tool.annotations },
      };
    },
  });
}

/** Only the tools this server selected are reachable: a read-only server's invoke cannot find a writer. */
export function findSelected(selected: readonly ToolDefinition[], name: string): ToolDefinition {
  const tool = selected.find((t) => t.name === name);
  if (!tool) {
    throw new BillingError('NOT_FOUND', `no tool ${name} on this server`, 'list_tools shows the tools it can run');
  }
  return tool;
}
