import express, { type ErrorRequestHandler, type Request, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Engine } from '../engine/index.js';
import { BillingError, type ErrorCode, httpStatusOf } from '../engine/errors.js';

/** Largest body the public license endpoints read; a bigger one is answered 413 before it is parsed. */
export const MAX_LICENSE_BODY = '16kb';
/** Requests per minute per client address on /licenses/* unless --license-rate-limit says otherwise. */
export const DEFAULT_LICENSE_RATE_LIMIT = 120;

const licenseKey = z.string().min(1).max(200);
const validateBody = z.object({ license_key: licenseKey, license_key_instance_id: z.string().min(1).max(100).optional() });
const activateBody = z.object({ license_key: licenseKey, name: z.string().min(1).max(255) });
const deactivateBody = z.object({ license_key: licenseKey, license_key_instance_id: z.string().min(1).max(100) });

/**
 * The three public license operations of the Dodo API for desktop apps and CLIs (SPEC §2.10), with its
 * bodies and answers: POST /licenses/validate → {valid}, /activate → the instance, /deactivate → 200 with
 * an empty body; errors are {code, message} with the status of httpStatusOf. No bearer token (they are
 * public in Dodo too), but a per-address rate limit (429 TOO_MANY_REQUESTS; 0 turns it off) and a 16 KB body
 * limit (413). Host and Origin are checked before this router runs.
 */
export function licenseRoutes(engine: Engine, options: { ratePerMinute: number }): Router {
  const router = Router();
  if (options.ratePerMinute > 0) {
    router.use(
      rateLimit({
        windowMs: 60_000,
        limit: options.ratePerMinute,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        handler: (_req, res) => sendError(res, 'TOO_MANY_REQUESTS', `more than ${options.ratePerMinute} license requests a minute from this address; retry later`),
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

function parse<T extends z.ZodType>(schema: T, req: Request): z.output<T> {
  const parsed = schema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`);
  throw new BillingError('INVALID_REQUEST_BODY', `invalid body: ${problems.join('; ')}`);
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
