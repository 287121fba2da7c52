import type { Request, Response } from 'express';
import { BillingError, type Engine, type PortalAccess } from '../../engine/index.js';
import { type Html, type HtmlValue, html } from '../html.js';
import { messagePage, page, sendPage } from '../layout.js';

/** One portal request: the token's customer, the seller's name, and where the pages live. */
export interface PortalRequest {
  engine: Engine;
  access: PortalAccess;
  /** /portal/<token>: every portal URL starts here. */
  base: string;
  brand: string;
}

export type PortalTab = 'subscriptions' | 'billing' | 'licenses' | 'profile';

const TABS: ReadonlyArray<[PortalTab, string, string]> = [
  ['subscriptions', 'Subscriptions', ''],
  ['billing', 'Billing history', '/billing'],
  ['licenses', 'License keys', '/licenses'],
  ['profile', 'Profile', '/profile'],
];

/**
 * Resolves the token of /portal/:token. An unknown token is a 404 page and an expired one a 403 page,
 * neither showing anything of a customer; otherwise the portal request.
 */
export async function portalRequest(engine: Engine, req: Request, res: Response): Promise<PortalRequest | undefined> {
  const token = String(req.params.token ?? '');
  try {
    const access = await engine.portal.sessions.resolve(token);
    const brand = (await engine.brands.get(await engine.brands.primaryBrandId())).name;
    return { engine, access, base: `/portal/${token}`, brand };
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    const expired = error.code === 'FORBIDDEN';
    sendPage(
      res,
      expired ? 403 : 404,
      messagePage(
        expired ? 'This link has expired' : 'This link is not valid',
        expired
          ? 'Portal links last 24 hours. Ask the seller for a new link to manage your subscriptions.'
          : 'Check that you copied the whole link, or ask the seller for a new one.',
      ),
    );
    return undefined;
  }
}

/** A record the token's customer cannot see (another customer's, or none): a 404 page with nothing in it. */
export function notFoundPage(res: Response, portal: PortalRequest): void {
  sendPage(
    res,
    404,
    shell(
      portal,
      'subscriptions',
      'Not found',
      html`<section class="card"><h2>Not found</h2><p>There is nothing here for this account. <a href="${portal.base}">Back to your subscriptions</a></p></section>`,
    ),
  );
}

/** Messages a redirect may ask a page to show (PRG): a fixed set, so a URL cannot put words on the page. */
const NOTICES: Record<string, string> = {
  plan_changed: 'Your plan was changed.',
  plan_scheduled: 'Your plan change is scheduled for the next billing date.',
  plan_on_hold: 'Your plan was changed, but the payment failed: the subscription is on hold until you update your card.',
  plan_not_applied: 'The payment failed, so your plan was not changed.',
  cancel_set: 'Your subscription will cancel at the next billing date.',
  cancel_undone: 'Your subscription will continue.',
  card_updated: 'Your card was updated.',
  recovered: 'Your card was charged and your subscription is active again.',
  deactivated: 'The activation was removed.',
  profile_saved: 'Your profile was saved.',
};

export function noticeOf(req: Request): Html | null {
  const key = typeof req.query.done === 'string' ? req.query.done : '';
  const text = NOTICES[key];
  return text === undefined ? null : html`<p class="notice ok" role="status">${text}</p>`;
}

export function errorNotice(message: string | null): Html | null {
  return message === null ? null : html`<p class="notice error" role="alert">${message}</p>`;
}

/** The portal's frame: brand header, the tabs, the "Back to" link when the link has a return_url. */
export function shell(portal: PortalRequest, tab: PortalTab, title: string, body: HtmlValue): Html {
  const back = portal.access.return_url;
  return page({
    title,
    brand: portal.brand,
    body: html`<nav class="tabs" aria-label="Account">${TABS.map(
      ([name, label, path]) => html`<a href="${portal.base}${path}"${name === tab ? html` aria-current="page"` : ''}>${label}</a>`,
    )}${back === null ? null : html`<a class="back" href="${back}">Back to ${portal.brand}</a>`}</nav>
${body}`,
  });
}
