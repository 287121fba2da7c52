import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { randomToken } from '../engine/index.js';
import { type Html, html } from './html.js';

/**
 * CSRF: a double-submit token. The first page a browser gets sets a random cookie; every form carries the
 * same value in a hidden field; a POST whose field differs from its cookie is refused (403) before it
 * changes anything. Another site can make a browser POST here but can neither read nor set the cookie, so
 * it cannot send the matching field. Stateless, so it holds across restarts and across processes serving
 * the same database (nothing is kept in memory).
 */
const COOKIE = 'billing_mcp_csrf';
const TOKEN_LENGTH = 32;

export const CSRF_FIELD = 'csrf';

function cookieOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Gives every page request its token (res.locals.csrf), setting the cookie when the browser has none. */
export function csrfToken(): RequestHandler {
  return (req, res, next) => {
    let token = cookieOf(req);
    if (token === undefined || !/^[0-9A-Za-z]{32}$/.test(token)) {
      token = randomToken(TOKEN_LENGTH);
      res.cookie(COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/' });
    }
    res.locals.csrf = token;
    next();
  };
}

/** Refuses a form POST whose csrf field does not match its cookie. Runs after the body is parsed. */
export function csrfCheck(refuse: (res: Response) => void): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    const cookie = cookieOf(req);
    const body: unknown = req.body;
    const field = typeof body === 'object' && body !== null && CSRF_FIELD in body ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
    if (cookie !== undefined && typeof field === 'string' && sameToken(cookie, field)) return next();
    refuse(res);
  };
}

/** The hidden field every form on a page carries. */
export function csrfField(res: Response): Html {
  const token: unknown = res.locals.csrf;
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${typeof token === 'string' ? token : ''}">`;
}
