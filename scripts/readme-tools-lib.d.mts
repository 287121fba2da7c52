/** What the README needs of a tool; every ToolDefinition has it. */
export interface ToolSummary {
  readonly name: string;
  readonly resource: string;
  readonly operation: 'read' | 'write';
  readonly description: string;
}

export const TOOLS_START: string;
export const TOOLS_END: string;
export function firstSentence(description: string): string;
export function renderToolList(tools: readonly ToolSummary[]): string;
export function extractToolList(readme: string): string | null;
export function replaceToolList(readme: string, block: string): string;
export function diffHint(actual: string, expected: string, limit?: number): string;

export interface ToolsetRow {
  name: string;
  description: string;
  tools: number;
  /** Core tools of the set in the default selection; null on the mode rows. */
  inDefault: number | null;
  bytes: number;
  tokens: number;
}

export const TOOLSETS_START: string;
export const TOOLSETS_END: string;
export function toolsetRows(modules: {
  ALL_TOOLS: readonly unknown[];
  TOOLSETS: readonly { name: string; description: string; core: readonly string[] }[];
  toolsOfSets: (all: never, names: readonly string[]) => readonly unknown[];
  buildToolCatalog: (tools: never, dynamic?: boolean) => { listing: readonly unknown[] };
}): ToolsetRow[];
export function renderToolsetTable(rows: readonly ToolsetRow[]): string;
export function extractToolsetTable(readme: string): string | null;
