import type { ToolDefinition } from '../tools/define-tool.js';
import { ALL_TOOLS } from '../tools/index.js';
import { selectTools } from '../tools/select.js';
import { toolsOfSets } from '../tools/toolsets.js';
import { type CliOptions, toolsetsToServe } from './options.js';

/**
 * The tools a server started with these options serves, in the order clients list them: the chosen
 * toolsets (core tools first), narrowed by the filters. In dynamic mode these are what invoke_tool reaches.
 */
export function servedTools(options: Pick<CliOptions, 'toolsets' | 'tools' | 'filter'>): ToolDefinition[] {
  return selectTools(toolsOfSets(ALL_TOOLS, toolsetsToServe(options)), options.filter, ALL_TOOLS);
}
