import type { SelectableTool } from '../tools/select.js';
import { selectTools } from '../tools/select.js';
import { toolsOfSets } from '../tools/toolsets.js';
import { type CliOptions, toolsetsToServe } from './options.js';

/**
 * The tools a server started with these options serves, in the order clients list them: the chosen
 * toolsets (core tools first) of `all`, narrowed by the filters. `all` is ALL_TOOLS, or the build's
 * description of them (the CLI selects before any tool module loads). In dynamic mode these are what
 * invoke_tool reaches.
 */
export function servedTools<T extends SelectableTool>(all: readonly T[], options: Pick<CliOptions, 'toolsets' | 'tools' | 'filter'>): T[] {
  return selectTools(toolsOfSets(all, toolsetsToServe(options)), options.filter, all);
}
