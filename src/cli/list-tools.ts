import type { ToolDefinition } from '../tools/define-tool.js';

/** The --list text: the selected tools grouped by resource, in registry order. */
export function formatToolList(tools: readonly ToolDefinition[]): string {
  const byResource = new Map<string, ToolDefinition[]>();
  for (const tool of tools) byResource.set(tool.resource, [...(byResource.get(tool.resource) ?? []), tool]);
  const lines: string[] = [];
  for (const [resource, group] of byResource) {
    lines.push(`${resource}`);
    for (const tool of group) lines.push(`  ${tool.name.padEnd(36)} ${tool.operation.padEnd(5)}  ${tool.title}`);
  }
  lines.push('', `${tools.length} tool${tools.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}
