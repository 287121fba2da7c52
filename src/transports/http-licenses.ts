import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Request, type Response, Router } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { BillingError, type Engine, type ErrorCode, httpStatusOf, nulTextError, pathOfNulText } from '../engine/index.js';

/** Largest body the public license endpoints read; a bigger one is answered 413 before it is parsed. */
export const MAX_LICENSE_BODY = '16kb';
/** Requests per minute per client address on /licenses/* unless --license-rate-limit says otherwise. */
export const DEFAULT_LICENSE_RATE_LIMIT = 120;

const licenseKey = z.string().min(1).max(200);
const validateBody = z.object({ license_key: licenseKey, license_key_instance_id: z.string().min(1).max(100).optional() });
const activateBody = z.object({ license_key: licenseKey, name: z.string().min(1).max(255) });
const deactivateBody = z.object({ license_key: licenseKey, license_key_instance_id: z.string().min(1).max(100) });

/** Each public endpoint mirrors one tool, and is served only when this server serves that tool (issue 13). */
const MIRRORED_TOOLS: Readonly<Record<string, string>> = {
  '/licenses/validate': 'validate_license',
  '/licenses/activate': 'activate_license',
  '/licenses/deactivate': 'deactivate_license',
};

/** Why an endpoint is not served, as the house error: its status, code and message; null when it is served. */
export interface LicenseRefusal {
  status: number;
  code: ErrorCode;
  message: string;
}

/**
 * Which endpoints this server serves: those whose tool the server's selection (--operation, --resource,
 * --tool and their exclusions) kept. --read-only refuses the two that write with 403; any other endpoint
 * left out is 404, so `--no-resource licenses` or `--operation read` cannot be sidestepped over HTTP.
 */
export function licenseEndpointPolicy(selectedTools: readonly string[], readOnly: boolean): (path: string) => LicenseRefusal | null {
  const selected = new Set(selectedTools);
  return (path) => {
    const tool = MIRRORED_TOOLS[path];
    if (tool === undefined || selected.has(tool)) return null;
    if (readOnly && tool !== 'validate_license') {
      return {
        status: 403,
        code: 'FORBIDDEN',
        message: `this server runs --read-only, so POST ${path} (${tool}) changes nothing here; send it to a server started without --read-only`,
      };
    }
    return {
      status: 404,
      code: 'NOT_FOUND',
      message: `POST ${path} is not served: this server was started without the ${tool} tool; start it with that tool selected (see --tool, --resource, --operation)`,
    };
  };
}

export interface LicenseEndpointOptions {
  ratePerMinute: number;
  store: MemoryStore;
  /** Which endpoints are served (licenseEndpointPolicy); default all. */
  refusal?: ((path: string) => LicenseRefusal | null) | undefined;
}

/**
 * The three public license operations of the Dodo API for desktop apps and CLIs (SPEC §2.10), with its
 * bodies and answers: POST /licenses/validate → {valid}, /activate → the instance, /deactivate → 200 with
 * an empty body; errors are {code, message} with the status of httpStatusOf. No bearer token (they are
 * public in Dodo too), but a per-address rate limit (429 TOO_MANY_REQUESTS; 0 turns it off) and a 16 KB body
 * limit (413). Host and Origin are checked before this router runs.
 */
export function licenseRoutes(engine: Engine, options: LicenseEndpointOptions): Router {
  const router = Router();
  router.use((req, res, next) => {
    const refused = options.refusal?.(`/licenses${req.path}`);
    if (refused) return sendError(res, refused.code, refused.message, refused.status);
    next();
  });
  if (options.ratePerMinute > 0) {
    router.use(
      rateLimit({
        windowMs: 60_000,
        limit: options.ratePerMinute,
        store: options.store,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        handler: (_req, res) =>
          sendError(res, 'TOO_MANY_REQUESTS', `more than ${options.ratePerMinute} license requests a minute from this address; retry later`),
      }),
    );
  }
  router.use(express.json({ limit: MAX_LICENSE_BODY, type: () => true }));
  router.post('/validate', async (req, res) => {
    const body = parse(validateBody, req);
    const { valid } = await engine.licenses.validate(body);
    res.json({ valid });
  });
  router.post('/activate', async (req, res) => {
    res.json(await engine.licenses.activate(parse(activateBody, req)));
  });
  router.post('/deactivate', async (req, res) => {
    await engine.licenses.deactivate(parse(deactivateBody, req));
    res.status(200).end();
  });
  router.use(licenseErrorHandler);
  return router;
}

/** The one rate-limit window both paths count in: 60 s, per client address. */
export function licenseRateStore(): MemoryStore {
  const store = new MemoryStore();
  store.init({ windowMs: 60_000 } as Parameters<MemoryStore['init']>[0]);
  return store;
}

const MAX_BODY_BYTES = 16 * 1024;
type Operation = (engine: Engine, body: unknown) => Promise<unknown>;
const OPERATIONS: Record<string, Operation> = {
  '/licenses/validate': async (engine, body) => ({ valid: (await engine.licenses.validate(parseBody(validateBody, body))).valid }),
  '/licenses/activate': (engine, body) => engine.licenses.activate(parseBody(activateBody, body)),
  '/licenses/deactivate': async (engine, body) => {
    await engine.licenses.deactivate(parseBody(deactivateBody, body));
    return undefined;
  },
};

/**
 * The same three endpoints without express, for the requests apps send: POST, no Origin header (not a
 * browser) and a Host the server accepts. It answers exactly as licenseRoutes does, with the same limits and
 * rate-limit window, at a fraction of the cost (the benchmark's throughput target is a bare node:http
 * server). Returns false for anything else — browsers, a foreign Host — which then takes the express path
 * with its full Host and Origin checks.
 */
export function fastLicenseHandler(
  engine: Engine,
  options: LicenseEndpointOptions & { hostnames: readonly string[] },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const hostnames = new Set(options.hostnames);
  return (req, res) => {
    if (req.method !== 'POST' || req.headers.origin !== undefined) return false;
    const operation = req.url === undefined ? undefined : OPERATIONS[req.url];
    if (operation === undefined || !hostnames.has(hostnameOf(req.headers.host))) return false;
    const refused = options.refusal?.(req.url ?? '');
    if (refused) {
      req.resume();
      writeError(res, refused.code, refused.message, refused.status);
      return true;
    }
    void answer(engine, operation, options, req, res);
    return true;
  };
}

async function answer(
  engine: Engine,
  operation: Operation,
  options: { ratePerMinute: number; store: MemoryStore },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    if (options.ratePerMinute > 0) {
      const { totalHits } = await options.store.increment(ipKeyGenerator(req.socket.remoteAddress ?? ''));
      if (totalHits > options.ratePerMinute) {
        req.resume();
        return writeError(res, 'TOO_MANY_REQUESTS', `more than ${options.ratePerMinute} license requests a minute from this address; retry later`);
      }
    }
    const text = await readBody(req);
    if (text === undefined) return writeError(res, 'INVALID_REQUEST_BODY', `the body is larger than ${MAX_LICENSE_BODY}`, 413);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return writeError(res, 'INVALID_REQUEST_BODY', 'the body is not valid JSON');
    }
    const result = await operation(engine, body);
    if (result === undefined) {
      res.writeHead(200, { 'content-length': 0 });
      res.end();
      return;
    }
    writeJson(res, 200, result);
  } catch (error) {
    if (error instanceof BillingError) return writeError(res, error.code, error.message);
    process.stderr.write(
      `billing-mcp: ${req.url ?? '/licenses'} failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    writeError(res, 'INTERNAL_SERVER_ERROR', 'the request failed unexpectedly and changed nothing');
  }
}

/** The body as text, or undefined when it is over 16 KB (the rest is then not read: the connection closes). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function hostnameOf(host: string | undefined): string {
  if (host === undefined) return '';
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return '';
  }
}

function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function writeError(res: ServerResponse, code: ErrorCode, message: string, status = httpStatusOf(code)): void {
  writeJson(res, status, { code, message });
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) {
    const nul = pathOfNulText(parsed.data);
    if (nul !== undefined) throw nulTextError(nul);
    return parsed.data;
  }
  const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`);
  throw new BillingError('INVALID_REQUEST_BODY', `invalid body: ${problems.join('; ')}`);
}

function parse<T extends z.ZodType>(schema: T, req: Request): z.output<T> {
  return parseBody(schema, req.body);
}

function sendError(res: Response, code: ErrorCode, message: string, status = httpStatusOf(code)): void {
  res.status(status).json({ code, message });
}

const licenseErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (error instanceof BillingError) return sendError(res, error.code, error.message);
  const status = typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : 500;
  if (status === 413) return sendError(res, 'INVALID_REQUEST_BODY', `the body is larger than ${MAX_LICENSE_BODY}`, 413);
  if (status === 400) return sendError(res, 'INVALID_REQUEST_BODY', 'the body is not valid JSON');
  process.stderr.write(`billing-mcp: /licenses failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return sendError(res, 'INTERNAL_SERVER_ERROR', 'the request failed unexpectedly and changed nothing');
};
