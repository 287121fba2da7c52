import { readFileSync } from 'node:fs';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Engine } from '../engine/index.js';
import type { ServedTool, ToolCatalog } from '../tools/catalog.js';
import type { ToolDefinition } from '../tools/define-tool.js';

/** Written beside the bundle by scripts/build-cli.mjs: one PrebuiltTool per tool of ALL_TOOLS, in order. */
export const PREBUILT_TOOLS_FILE = 'cli-tools.json';

/** A tool of ALL_TOOLS as the build saw it: its metadata and its tools/list entry (toListEntry). */
export interface PrebuiltTool extends Omit<ServedTool, 'call'> {
  listEntry: Tool;
}

/**
 * The shipped tools as the build described them (dist/cli-tools.json, read from the folder of the bundle
 * file running this), or undefined without the file (a run from source): the CLI then loads ALL_TOOLS.
 */
export function readPrebuiltTools(): PrebuiltTool[] | undefined {
  let text: string;
  try {
    text = readFileSync(new URL(`./${PREBUILT_TOOLS_FILE}`, import.meta.url), 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  // Our own build wrote it from these sources, so it is trusted as it is, like the code beside it.
  return JSON.parse(text) as PrebuiltTool[];
}

/**
 * A catalog that answers tools/list from the build's entries and loads the tool modules (~100 zod
 * schemas, a fifth of a start) on the first tools/call, which then waits for them once: e.g. spawn →
 * tools/list no longer builds a schema, and the first get_product pays that load instead. The result of
 * every call is the loaded tool's own, so nothing a client sees changes.
 */
export function deferredCatalog(selected: readonly PrebuiltTool[]): ToolCatalog<ServedTool> {
  let loading: Promise<ReadonlyMap<string, ToolDefinition>> | undefined;
  const definitions = (): Promise<ReadonlyMap<string, ToolDefinition>> =>
    (loading ??= import('../tools/index.js').then(({ ALL_TOOLS }) => new Map(ALL_TOOLS.map((tool) => [tool.name, tool]))));
  const served = selected.map(({ listEntry: _entry, ...info }): ServedTool => ({
    ...info,
    async call(engine: Engine, args: unknown) {
      const tool = (await definitions()).get(info.name);
      if (!tool) throw new Error(`${info.name} is listed in ${PREBUILT_TOOLS_FILE} but not in ALL_TOOLS: rebuild (npm run build)`);
      return tool.call(engine, args);
    },
  }));
  return {
    byName: new Map(served.map((tool) => [tool.name, tool])),
    listing: selected.map((tool) => tool.listEntry),
    selected: served,
  };
}

/**
 * The tools a start selected: described by the build (`loaded: false`), or their definitions (`loaded:
 * true`) when there is no dist/cli-tools.json or --tools dynamic builds its meta-tools from them.
 */
export type ToolSelection = { loaded: false; tools: PrebuiltTool[] } | { loaded: true; tools: ToolDefinition[] };
