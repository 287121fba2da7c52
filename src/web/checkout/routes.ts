import type { Request, Response } from 'express';
import { BillingError, type CheckoutPage, type Engine } from '../../engine/index.js';
import { csrfField } from '../csrf.js';
import { FormFields, FormProblem } from '../forms.js';
import { html } from '../html.js';
import { messagePage, sendPage } from '../layout.js';
import { formatDate } from '../money-format.js';
import type { PageRoutes } from '../pages-router.js';
import { type CheckoutRender, checkoutPageHtml, type ProblemPlace } from './checkout-page.js';
import { detailsChoiceOf, keptValuesOf, orderChoiceOf, payWithOf } from './forms.js';
import { receiptPageHtml } from './receipt-page.js';

/**
 * The hosted checkout (SPEC §1.8, §2.1; issue 15) at checkout_url = /checkout/:session_id. The session id
 * is the capability (about 143 random bits): the pages show that session's data only. Every change is a
 * form POST (CSRF-checked by the router) that calls the same engine methods the tools do — choose() for
 * the buyer's choices, complete() to pay, exactly as complete_checkout_session — then redirects (303)
 * back, to return_url with the engine's redirect_url, or to the receipt. A refused change re-renders the
 * page with the reason inline (422; a declined card 402) and changes nothing.
 */
export const checkoutPages: PageRoutes = (router, { engine }) => {
  router.get('/checkout/:session_id', async (req, res) => {
    const view = await pageOf(engine, sessionIdOf(req));
    if (view?.session.status !== 'open') return sendClosed(res, view);
    sendPage(res, 200, checkoutPageHtml(view, { csrf: csrfField(res) }));
  });

  router.get('/checkout/:session_id/receipt', async (req, res) => {
    const view = await pageOf(engine, sessionIdOf(req));
    if (view?.session.status === 'open') return res.redirect(303, `/checkout/${view.session.id}`);
    if (view?.session.status !== 'completed') return sendClosed(res, view);
    sendPage(res, 200, receiptPageHtml(await engine.checkout.receipt(view.session.id)));
  });

  router.post('/checkout/:session_id/choose', (req, res) =>
    act(engine, req, res, 'order', async (view, form) => {
      await engine.checkout.choose(
        view.session.id,
        orderChoiceOf(form, { product_id: view.session.product_cart[0]?.product_id ?? null, currency: view.session.summary.currency }),
      );
      return `/checkout/${view.session.id}`;
    }),
  );

  router.post('/checkout/:session_id/discount', (req, res) =>
    act(engine, req, res, 'discount', async (view, form) => {
      const code = form.text('remove') === undefined ? form.text('discount_code') : null;
      if (code === undefined) throw new FormProblem('Enter a discount code.');
      await engine.checkout.choose(view.session.id, { discount_code: code });
      return `/checkout/${view.session.id}`;
    }),
  );

  router.post('/checkout/:session_id/pay', (req, res) =>
    act(engine, req, res, 'pay', async (view, form) => {
      const payWith = payWithOf(form);
      const details = detailsChoiceOf(form, view.needs);
      if (Object.keys(details).length > 0) await engine.checkout.choose(view.session.id, details);
      const paid = await engine.checkout.complete(view.session.id, payWith);
      if (paid.payment.status !== 'succeeded') {
        const reason = paid.payment.error_message ?? 'The payment did not go through.';
        return { status: 402, message: `${reason} (${paid.payment.error_code ?? paid.payment.status}). Nothing was charged; try another card.` };
      }
      return paid.redirect_url ?? `/checkout/${view.session.id}/receipt`;
    }),
  );
};

/** What an action asks for next: a place to redirect to (303), or a page re-rendered with a problem. */
type Outcome = string | { status: number; message: string };

/**
 * Runs a form action on an open session: success → 303 to where it says; a
 * BillingError or an unreadable form → the page again with the reason inline (422), what was typed kept.
 */
async function act(
  engine: Engine,
  req: Request,
  res: Response,
  place: ProblemPlace,
  action: (view: CheckoutPage, form: FormFields) => Promise<Outcome>,
): Promise<void> {
  const sessionId = sessionIdOf(req);
  const view = await pageOf(engine, sessionId);
  if (view?.session.status !== 'open') return sendClosed(res, view);
  const form = FormFields.of(req);
  let outcome: Outcome;
  try {
    outcome = await action(view, form);
  } catch (error) {
    if (!(error instanceof BillingError || error instanceof FormProblem)) throw error;
    outcome = { status: 422, message: buyerMessage(error) };
  }
  if (typeof outcome === 'string') {
    res.redirect(303, outcome);
    return;
  }
  const now = await pageOf(engine, sessionId);
  if (now?.session.status !== 'open') return sendClosed(res, now);
  const render: CheckoutRender = {
    csrf: csrfField(res),
    problem: { place, message: outcome.message },
    kept: place === 'pay' ? keptValuesOf(form) : undefined,
  };
  sendPage(res, outcome.status, checkoutPageHtml(now, render));
}

/** The engine's reason, in the words a buyer reads for the codes a buyer meets most. */
function buyerMessage(error: BillingError | FormProblem): string {
  if (error instanceof FormProblem) return error.message;
  switch (error.code) {
    case 'INVALID_DISCOUNT_CODE':
      return 'That discount code is not valid.';
    case 'DISCOUNT_CODE_EXPIRED':
      return 'That discount code has expired.';
    case 'DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED':
      return 'That discount code has been used up.';
    case 'DISCOUNT_NOT_AVAILABLE_FOR_PRODUCT':
      return 'That discount code does not apply to this product.';
    default:
      return error.message;
  }
}

function sessionIdOf(req: Request): string {
  const id = req.params.session_id;
  return typeof id === 'string' ? id : '';
}

/** The page's view, or null for an unknown session or one paid at creation (payment_method_id: no checkout_url). */
async function pageOf(engine: Engine, sessionId: string): Promise<CheckoutPage | null> {
  if (!/^cks_[0-9A-Za-z_]{1,64}$/.test(sessionId)) return null;
  try {
    const view = await engine.checkout.page(sessionId);
    return view.session.checkout_url === null ? null : view;
  } catch (error) {
    if (error instanceof BillingError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** Unknown (404), expired (410) or paid (200, with the receipt's link). */
function sendClosed(res: Response, view: CheckoutPage | null): void {
  if (view === null) {
    sendPage(
      res,
      404,
      messagePage('Checkout not found', 'This checkout link does not exist. Check the link you were given, or ask the seller for a new one.'),
    );
    return;
  }
  const brand = view.brand.name;
  if (view.session.status === 'completed') {
    const receipt = html`This checkout has already been paid. <a href="/checkout/${view.session.id}/receipt">See the receipt</a>.`;
    sendPage(res, 200, messagePage('Already paid', receipt, brand));
    return;
  }
  sendPage(
    res,
    410,
    messagePage(
      'This checkout has expired',
      `It expired on ${formatDate(view.session.expires_at)}. Nothing was charged; ask the seller for a new checkout link.`,
      brand,
    ),
  );
}
