import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from './define-tool.js';
import { describeTool } from './dynamic/describe-tool.js';
import { invokeTool } from './dynamic/invoke-tool.js';
import { listTools } from './dynamic/list-tools.js';
import { toJsonSchema, toOutputShape } from './json-schema.js';
import { ENTRY_TOOLS } from './toolsets.js';

/**
 * What serving a tool takes: its metadata and `call`. Every ToolDefinition is one; so is a tool of the
 * CLI whose module loads on its first call (src/cli/deferred-tools.ts).
 */
export type ServedTool = Omit<ToolDefinition, 'input' | 'output'>;

/**
 * The tools one server exposes, with their `tools/list` entries computed once and shared by every
 * session (HTTP serves many), never per request.
 */
export interface ToolCatalog<T extends ServedTool = ToolDefinition> {
  readonly byName: ReadonlyMap<string, T>;
  readonly listing: readonly Tool[];
  /** The tools behind the catalog: in dynamic mode, what invoke_tool may call. */
  readonly selected: readonly T[];
}

export function toListEntry(tool: ToolDefinition): Tool {
  // The title is said once, at the top: annotations.title would repeat it for every tool. MCP reads the
  // destructive and idempotent hints only when readOnlyHint is false, so a read tool carries neither.
  const { title: _sameTitle, ...allHints } = tool.annotations;
  const { destructiveHint: _destructive, idempotentHint: _idempotent, ...readHints } = allHints;
  const hints = allHints.readOnlyHint ? readHints : allHints;
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: toJsonSchema(tool.input, 'input'),
    outputSchema: toOutputShape(tool.output),
    annotations: hints,
    // Claude Code defers tool schemas and loads these up front: the entry tool of each main job.
    ...(ENTRY_TOOLS.includes(tool.name) && { _meta: { 'anthropic/alwaysLoad': true } }),
  };
}

/**
 * `dynamic`: expose three meta-tools (list_tools, describe_tool, invoke_tool) over the selected set
 * instead of every tool, for clients that struggle with long tool lists.
 */
export function buildToolCatalog(selected: readonly ToolDefinition[], dynamic = false): ToolCatalog {
  const exposed = dynamic ? [listTools(selected), describeTool(selected), invokeTool(selected)] : selected;
  // Converting 70 zod schemas to JSON Schema costs tens of milliseconds: done on the first tools/list,
  // not at start-up, and never again after.
  let listing: readonly Tool[] | undefined;
  return {
    byName: new Map(exposed.map((tool) => [tool.name, tool])),
    get listing() {
      listing ??= exposed.map(toListEntry);
      return listing;
    },
    selected,
  };
}
