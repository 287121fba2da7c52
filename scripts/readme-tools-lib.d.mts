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
