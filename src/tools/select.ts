import type { Operation, ToolDefinition } from './define-tool.js';

/**
 * Which tools a server exposes. Values of one kind are ORed, kinds are ANDed, exclusions apply last:
 * `{operations: ['read'], resources: ['payments', 'subscriptions']}` is exactly the read tools of those two.
 * Empty or omitted kinds do not restrict.
 */
export interface ToolFilter {
  operations?: readonly Operation[];
  /** Resource names; `*` matches any run of characters: `license*`. */
  resources?: readonly string[];
  tools?: readonly string[];
  excludeResources?: readonly string[];
  excludeTools?: readonly string[];
}

/** A filter that names a tool or resource that does not exist. The message lists the valid names. */
export class ToolFilterError extends Error {
  override readonly name = 'ToolFilterError';
}

/** What selecting needs of a tool: a ToolDefinition, or the CLI's metadata of one not loaded yet. */
export type SelectableTool = Pick<ToolDefinition, 'name' | 'resource' | 'operation'>;

/**
 * `candidates` (the chosen toolsets' tools, in order) narrowed by `filter`. Names are checked against
 * `known` (every tool), so excluding a tool the chosen sets do not hold is no error.
 */
export function selectTools<T extends SelectableTool>(
  candidates: readonly T[],
  filter: ToolFilter,
  known: readonly SelectableTool[] = candidates,
): T[] {
  const all = candidates;
  const resourceNames = [...new Set(known.map((t) => t.resource))];
  const toolNames = new Set(known.map((t) => t.name));
  const resources = compilePatterns('resource', filter.resources ?? [], resourceNames);
  const excludedResources = compilePatterns('resource', filter.excludeResources ?? [], resourceNames);
  for (const name of [...(filter.tools ?? []), ...(filter.excludeTools ?? [])]) {
    if (!toolNames.has(name)) {
      throw new ToolFilterError(`unknown tool "${name}"; valid tools: ${[...toolNames].join(', ')}`);
    }
  }
  const operations = filter.operations ?? [];
  const tools = filter.tools ?? [];
  return all.filter(
    (tool) =>
      (operations.length === 0 || operations.includes(tool.operation)) &&
      (resources.length === 0 || resources.some((p) => p.test(tool.resource))) &&
      (tools.length === 0 || tools.includes(tool.name)) &&
      !excludedResources.some((p) => p.test(tool.resource)) &&
      !(filter.excludeTools ?? []).includes(tool.name),
  );
}

function compilePatterns(kind: string, patterns: readonly string[], names: readonly string[]): RegExp[] {
  return patterns.map((pattern) => {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    const regex = new RegExp(`^${source}$`);
    if (!names.some((name) => regex.test(name))) {
      throw new ToolFilterError(`unknown ${kind} "${pattern}"; valid ${kind}s: ${names.join(', ')}`);
    }
    return regex;
  });
}
