import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { BillingError, databaseBusy, type Engine, isDatabaseBusy, nulTextError, pathOfNulText } from '../engine/index.js';

export type Operation = 'read' | 'write';

/** Hints for clients. `readOnlyHint` is never written by hand: it is derived from `operation`. */
export interface ToolHints {
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface ToolAnnotations extends ToolHints {
  title: string;
  readOnlyHint: boolean;
}

type ObjectSchema = z.ZodObject;

export interface ToolSpec<I extends ObjectSchema, O extends ObjectSchema> {
  /** snake_case verb_noun, under 50 characters: `get_product`. */
  name: string;
  /** The resource folder it belongs to, for `--resource` filters: `products`. */
  resource: string;
  operation: Operation;
  title: string;
  /** 2–5 sentences: what it does, when to use it instead of a sibling, what it returns, units. */
  description: string;
  input: I;
  output: O;
  hints?: ToolHints;
  handler: (engine: Engine, args: z.output<I>) => Promise<z.input<O>>;
}

/** A tool with its types erased: static metadata plus one `call` that never throws. */
export interface ToolDefinition {
  readonly name: string;
  readonly resource: string;
  readonly operation: Operation;
  readonly title: string;
  readonly description: string;
  readonly input: ObjectSchema;
  readonly output: ObjectSchema;
  readonly annotations: ToolAnnotations;
  call(engine: Engine, args: unknown): Promise<CallToolResult>;
}

export function defineTool<I extends ObjectSchema, O extends ObjectSchema>(spec: ToolSpec<I, O>): ToolDefinition {
  // Unknown arguments are rejected, not dropped: a misspelt field on an update tool would otherwise
  // succeed as a no-op. The published schema says so too (additionalProperties: false).
  const input = spec.input.strict();
  return {
    name: spec.name,
    resource: spec.resource,
    operation: spec.operation,
    title: spec.title,
    description: spec.description,
    input,
    output: spec.output,
    // MCP reads a missing destructiveHint on a writing tool as true; only archive, delete, cancel and refund
    // tools say so, every other writer is stated non-destructive.
    annotations: {
      title: spec.title,
      readOnlyHint: spec.operation === 'read',
      ...(spec.operation === 'write' && { destructiveHint: false }),
      ...spec.hints,
    },
    async call(engine, args) {
      const parsed = input.safeParse(args ?? {});
      if (!parsed.success) return invalidArguments(spec.name, parsed.error);
      // Checked on the parsed arguments, so both databases answer a NUL character alike (shared/text.ts).
      const nul = pathOfNulText(parsed.data);
      if (nul !== undefined) return errorResult(spec.name, nulTextError(nul));
      try {
        // The strict twin has the same shape, so its output is the declared input's output.
        const result = successResult(await spec.handler(engine, parsed.data as z.output<I>));
        return spec.operation === 'read' ? boundedRead(result) : result;
      } catch (error) {
        return errorResult(spec.name, error);
      }
    },
  };
}

export function successResult(value: unknown): CallToolResult {
  const structured = value as Record<string, unknown>;
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/**
 * The most a read answers, in bytes of its JSON text (it is sent twice, as text and structured). A page of
 * 100 usage events with 50 metadata pairs of 500 characters each would be ~2.5 MB: beyond this, a read is
 * refused (it changed nothing) and told how to ask for less. Writes are bounded by their inputs instead.
 */
export const MAX_READ_RESULT_BYTES = 1024 * 1024;

function boundedRead(result: CallToolResult): CallToolResult {
  const first = result.content[0];
  const bytes = first?.type === 'text' ? Buffer.byteLength(first.text) : 0;
  if (bytes <= MAX_READ_RESULT_BYTES) return result;
  return failureResult(
    'INVALID_REQUEST_PARAMETERS',
    `the answer would be ${(bytes / 2 ** 20).toFixed(1)} MB, over the 1 MB a result may take`,
    'ask for less: a smaller page_size, or a narrower filter',
  );
}

/** `CODE: message. Next: step` — the shape every failed call has, so an assistant can read and act. */
export function failureResult(code: string, message: string, nextStep?: string): CallToolResult {
  const text = `${code}: ${message}${nextStep ? `. Next: ${nextStep}` : ''}`;
  return { isError: true, content: [{ type: 'text', text }] };
}

export function errorResult(toolName: string, error: unknown): CallToolResult {
  if (error instanceof BillingError) return failureResult(error.code, error.message, error.nextStep);
  // A statement outside a write transaction that waited out SQLite's busy timeout: retryable, not a bug.
  if (isDatabaseBusy(error)) {
    const busy = databaseBusy();
    return failureResult(busy.code, busy.message, busy.nextStep);
  }
  // A bug, not a business error: say so without leaking internals, and keep the detail on stderr.
  process.stderr.write(`billing-mcp: ${toolName} failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return failureResult(
    'INTERNAL_SERVER_ERROR',
    `${toolName} failed unexpectedly and changed nothing`,
    'retry once; if it fails again, report it with the server log',
  );
}

function invalidArguments(toolName: string, error: z.ZodError): CallToolResult {
  const problems = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
    return `${path}: ${issue.message}`;
  });
  return failureResult(
    'INVALID_REQUEST_BODY',
    `invalid arguments for ${toolName}: ${problems.join('; ')}`,
    `fix those fields and call ${toolName} again; its input schema lists every field`,
  );
}
