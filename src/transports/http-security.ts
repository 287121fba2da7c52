import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { RequestHandler } from 'express';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { HTTP_ERROR_CODE, sendJsonRpcError } from './http-errors.js';

/** Host header names that always mean "this machine", as the URL parser spells them. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Addresses that listen on every interface, loopback included. */
const WILDCARD_HOSTS = ['0.0.0.0', '::', '[::]'];

/** localhost, 127.0.0.0/8 and ::1 (bracketed or not, IPv4-mapped too). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(bare);
}

/** A host as it appears in a URL and in a Host header: IPv6 addresses bracketed, lower case. */
export function urlHost(host: string): string {
  return isIPv6(host) ? `[${host.toLowerCase()}]` : host.toLowerCase();
}

/** A user-given host name (possibly with a port or brackets) → the hostname the URL parser yields. */
function hostnameOf(entry: string): string {
  try {
    return new URL(`http://${isIPv6(entry) ? `[${entry}]` : entry}`).hostname;
  } catch {
    return entry.toLowerCase();
  }
}

/**
 * The Host header names the server answers to: the bound host, the loopback names when bound to
 * loopback or to every interface (a loopback name can only come from a client on this machine, never
 * from a rebound DNS name), and the operator's extra names (a proxy's or a LAN name).
 */
export function allowedHostnames(host: string, extra: readonly string[]): string[] {
  const names = new Set([hostnameOf(host)]);
  if (isLoopbackHost(host) || WILDCARD_HOSTS.includes(host)) for (const name of LOOPBACK_NAMES) names.add(name);
  for (const entry of extra) names.add(hostnameOf(entry));
  return [...names];
}

/** DNS-rebinding guard, part 1: the SDK's Host check (403 JSON-RPC error for any other name). */
export function hostCheck(hostnames: readonly string[]): RequestHandler {
  return hostHeaderValidation([...hostnames]);
}

/**
 * DNS-rebinding guard, part 2: a request that carries an Origin (a browser's) must come from the
 * server's own origin — http://<allowed host>:<listening port>, or the exact host the request was
 * addressed to — or from an operator-allowed origin. Requests without Origin (CLIs, SDK clients) pass.
 */
export function originCheck(hostnames: readonly string[], extraOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(extraOrigins.map(normalizeOrigin));
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    const normalized = normalizeOrigin(origin);
    if (allowed.has(normalized) || isOwnOrigin(normalized, req.headers.host, req.socket.localPort, hostnames)) return next();
    sendJsonRpcError(res, 403, HTTP_ERROR_CODE.transport, `Forbidden: origin ${origin} is not allowed; see --allowed-origins`);
  };
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

function isOwnOrigin(origin: string, hostHeader: string | undefined, localPort: number | undefined, hostnames: readonly string[]): boolean {
  if (hostHeader !== undefined && origin === normalizeOrigin(`http://${hostHeader}`)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const port = url.port === '' ? 80 : Number(url.port);
  return url.protocol === 'http:' && hostnames.includes(url.hostname) && port === localPort;
}

/** Digests make both sides the same length, so the comparison time says nothing about the token. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** `Authorization: Bearer <token>` compared in constant time; else 401 with a WWW-Authenticate challenge. */
export function bearerAuth(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const given = match?.[1];
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    const challenge = given === undefined ? 'Bearer realm="billing-mcp"' : 'Bearer realm="billing-mcp", error="invalid_token"';
    res.set('WWW-Authenticate', challenge);
    const message = given === undefined ? 'Unauthorized: send Authorization: Bearer <token>' : 'Unauthorized: the bearer token is wrong';
    sendJsonRpcError(res, 401, HTTP_ERROR_CODE.transport, message);
  };
}

/** Rule: a server reachable from other machines must demand a token. Throws the message the CLI prints. */
export function assertSafeBinding(host: string, authToken: string | undefined): void {
  if (authToken || isLoopbackHost(host)) return;
  throw new Error(
    `refusing to serve HTTP on ${host} without a bearer token: anyone who can reach it could read and change billing data. ` +
      'Pass --auth-token TOKEN (or BILLING_MCP_AUTH_TOKEN), or bind to 127.0.0.1.',
  );
}
