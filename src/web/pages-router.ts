import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { Engine } from '../engine/index.js';
import { PAGES_CSS, PAGES_JS } from './assets.js';
import { csrfCheck, csrfToken } from './csrf.js';
import { FormProblem } from './forms.js';
import { messagePage, sendPage } from './layout.js';

/** What a group of pages (checkout, portal) needs to mount its routes. */
export interface PageContext {
  engine: Engine;
  log: (line: string) => void;
}

/** A group of pages: mounts its routes under its own path on the pages router. */
export type PageRoutes = (router: Router, context: PageContext) => void;

/** The paths the pages own; everything else (/mcp, /health, /licenses) passes through untouched. */
const PAGE_PATHS = /^\/(checkout|portal)(\/|$)/;

/** Form posts are small: a few fields. A bigger body is refused before it is parsed. */
const MAX_FORM_BODY = '16kb';

/**
 * Pages are reached by their capability URLs (a checkout session id, a portal token), so nothing about
 * them may leak: no Referer to return_url or any other site, no caching, no framing, no script or style
 * from anywhere but this server. The referrer policy is same-origin, not no-referrer: under no-referrer a
 * browser sends `Origin: null` with every form POST (Fetch, "append a request Origin header"), which the
 * Origin check in front of the pages (DNS-rebinding defence, as for /mcp) must refuse. same-origin sends
 * the Referer and a real Origin to this server only, and nothing to any other.
 */
const pageHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  });
  next();
};

/**
 * The hosted pages (checkout, customer portal) as one router, mounted by the HTTP server beside /mcp and
 * by the stdio server's own loopback page server. Every POST is a form with a CSRF token; errors render
 * as pages, never as JSON-RPC.
 */
export function pagesRouter(context: PageContext, groups: readonly PageRoutes[]): Router {
  const router = express.Router();
  router.get('/assets/pages.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(PAGES_CSS);
  });
  router.get('/assets/pages.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=300').send(PAGES_JS);
  });

  const pages = express.Router();
  pages.use(pageHeaders);
  pages.use(express.urlencoded({ extended: false, limit: MAX_FORM_BODY, parameterLimit: 200 }));
  pages.use(csrfToken());
  pages.use(
    csrfCheck((res) => {
      sendPage(res, 403, messagePage('This form has expired', 'Reload the page and try again.'));
    }),
  );
  for (const mount of groups) mount(pages, context);
  pages.use(pageErrors(context.log));
  router.use((req, res, next) => {
    if (!PAGE_PATHS.test(req.path)) return next();
    pages(req, res, (error?: unknown) => {
      if (error !== undefined) return next(error);
      sendPage(res, 404, messagePage('Page not found', 'Check the link you were given; it may have been mistyped.'));
    });
  });
  return router;
}

/** A bug or a refused body while rendering a page: a page saying so, and the cause in the server's log. */
function pageErrors(log: (line: string) => void): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    // A field no page shows inline (FormFields.text refuses a NUL character in any field it reads).
    if (error instanceof FormProblem) return sendPage(res, 422, messagePage('That form could not be read', `${error.message} Nothing was changed.`));
    const status = typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : 500;
    if (status >= 500) log(`page ${req.method} ${req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const title = status === 413 ? 'That form was too large' : status < 500 ? 'That request was not understood' : 'Something went wrong';
    sendPage(res, status, messagePage(title, 'Nothing was changed. Go back and try again.'));
  };
}
