import type { ToolDefinition } from '../tools/define-tool.js';

type ListedTool = Pick<ToolDefinition, 'name' | 'resource' | 'operation' | 'title'>;

/** The --list text: the selected tools grouped by resource, in registry order. */
export function formatToolList(tools: readonly ListedTool[]): string {
  const byResource = new Map<string, ListedTool[]>();
  for (const tool of tools) byResource.set(tool.resource, [...(byResource.get(tool.resource) ?? []), tool]);
  const lines: string[] = [];
  for (const [resource, group] of byResource) {
    lines.push(`${resource}`);
    for (const tool of group) lines.push(`  ${tool.name.padEnd(36)} ${tool.operation.padEnd(5)}  ${tool.title}`);
  }
  lines.push('', `${tools.length} tool${tools.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}
