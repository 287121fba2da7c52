import type { ErrorRequestHandler, Response } from 'express';

/** JSON-RPC error codes used at the HTTP layer, before a message reaches an MCP session. */
export const HTTP_ERROR_CODE = {
  parseError: -32700,
  invalidRequest: -32600,
  internalError: -32603,
  /** Transport-level refusal (forbidden, unauthorized, bad session header): the SDK uses -32000 too. */
  transport: -32000,
  sessionNotFound: -32001,
} as const;

/** Every HTTP-layer refusal is a JSON-RPC error body with id null, so MCP clients can show it. */
export function sendJsonRpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

interface BodyParserError {
  status: number;
  type: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    typeof error.status === 'number' &&
    'type' in error &&
    typeof error.type === 'string'
  );
}

/**
 * The last middleware: body-parser refusals become JSON-RPC errors with their own status (413 too large,
 * 400 malformed); anything else is a bug, logged and answered 500 without details.
 */
export function jsonRpcErrorHandler(log: (line: string) => void, maxBody: string): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (isBodyParserError(error) && error.type === 'entity.too.large') {
      sendJsonRpcError(res, 413, HTTP_ERROR_CODE.invalidRequest, `Request body is larger than ${maxBody}`);
      return;
    }
    if (isBodyParserError(error) && error.type === 'entity.parse.failed') {
      sendJsonRpcError(res, 400, HTTP_ERROR_CODE.parseError, 'Parse error: the body is not valid JSON');
      return;
    }
    if (isBodyParserError(error) && error.status >= 400 && error.status < 500) {
      sendJsonRpcError(res, error.status, HTTP_ERROR_CODE.invalidRequest, `Bad request body (${error.type})`);
      return;
    }
    log(`http error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    sendJsonRpcError(res, 500, HTTP_ERROR_CODE.internalError, 'Internal server error');
  };
}
