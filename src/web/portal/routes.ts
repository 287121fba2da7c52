import type { Request, Response, Router } from 'express';
import { BillingError, type CardInput, type Engine } from '../../engine/index.js';
import { cardOf, FormFields, FormProblem } from '../forms.js';
import { sendPage } from '../layout.js';
import type { PageRoutes } from '../pages-router.js';
import { billingPage, cardPage, invoicePage, licensesPage, profilePage } from './account-view.js';
import { errorNotice, noticeOf, notFoundPage, type PortalRequest, portalRequest } from './context.js';
import { planOptionsPage, reviewPage } from './plan-change-view.js';
import { subscriptionsPage } from './subscriptions-view.js';

type PortalHandler = (portal: PortalRequest, req: Request, res: Response) => Promise<void>;

/**
 * Runs a portal page for a valid token. A BillingError NOT_FOUND (another customer's id, or none) is a
 * 404 page that shows nothing of it; other BillingErrors are the handler's to show inline.
 */
function portalPage(engine: Engine, handler: PortalHandler) {
  return async (req: Request, res: Response): Promise<void> => {
    const portal = await portalRequest(engine, req, res);
    if (!portal) return;
    try {
      await handler(portal, req, res);
    } catch (error) {
      if (error instanceof BillingError && error.code === 'NOT_FOUND') return notFoundPage(res, portal);
      throw error;
    }
  };
}

const param = (req: Request, name: string) => String(req.params[name] ?? '');
const done = (res: Response, to: string, notice: string) => res.redirect(303, `${to}?done=${notice}`);
/** The engine's message, without the tool names of its next step: the customer cannot call tools. */
const said = (error: BillingError) => `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`;

/** The customer portal's pages (issue 15; SPEC §1.6, D7, D15, D18): each action is a PortalService call. */
export const portalPages: PageRoutes = (router: Router, { engine }) => {
  const { portal: service } = engine;
  const subscriptionsOf = async (portal: PortalRequest, req: Request, res: Response, status: number, error: string | null) => {
    const overview = await service.overview(portal.access.customer_id);
    sendPage(res, status, subscriptionsPage(portal, res, overview, errorNotice(error) ?? noticeOf(req)));
  };

  router.get(
    '/portal/:token',
    portalPage(engine, (portal, req, res) => subscriptionsOf(portal, req, res, 200, null)),
  );

  router.get(
    '/portal/:token/billing',
    portalPage(engine, async (portal, _req, res) => {
      sendPage(res, 200, billingPage(portal, await service.overview(portal.access.customer_id)));
    }),
  );

  router.get(
    '/portal/:token/billing/:paymentId',
    portalPage(engine, async (portal, _req, res) => {
      const { invoice } = await service.invoice(portal.access.customer_id, param(_req, 'paymentId'));
      sendPage(res, 200, invoicePage(portal, invoice));
    }),
  );

  router.get(
    '/portal/:token/licenses',
    portalPage(engine, async (portal, req, res) => {
      sendPage(res, 200, licensesPage(portal, res, await service.overview(portal.access.customer_id), noticeOf(req), null));
    }),
  );

  router.post(
    '/portal/:token/licenses/:instanceId/deactivate',
    portalPage(engine, async (portal, req, res) => {
      try {
        await service.deactivateActivation(portal.access.customer_id, param(req, 'instanceId'));
      } catch (error) {
        if (!(error instanceof BillingError) || error.code === 'NOT_FOUND') throw error;
        sendPage(res, 422, licensesPage(portal, res, await service.overview(portal.access.customer_id), null, said(error)));
        return;
      }
      done(res, `${portal.base}/licenses`, 'deactivated');
    }),
  );

  router.get(
    '/portal/:token/profile',
    portalPage(engine, async (portal, req, res) => {
      const customer = await engine.customers.get(portal.access.customer_id);
      sendPage(res, 200, profilePage(portal, res, customer, { name: customer.name, phone_number: customer.phone_number ?? '' }, noticeOf(req), null));
    }),
  );

  router.post(
    '/portal/:token/profile',
    portalPage(engine, async (portal, req, res) => {
      const form = FormFields.of(req);
      const values = { name: form.text('name') ?? '', phone_number: form.text('phone_number') ?? '' };
      try {
        await service.updateProfile(portal.access.customer_id, {
          name: values.name,
          phone_number: values.phone_number === '' ? null : values.phone_number,
        });
      } catch (error) {
        if (!(error instanceof BillingError)) throw error;
        const customer = await engine.customers.get(portal.access.customer_id);
        sendPage(res, 422, profilePage(portal, res, customer, values, null, said(error)));
        return;
      }
      done(res, `${portal.base}/profile`, 'profile_saved');
    }),
  );

  router.post(
    '/portal/:token/subscriptions/:subscriptionId/cancel',
    portalPage(engine, async (portal, req, res) => {
      const cancel = FormFields.of(req).text('cancel') === 'true';
      try {
        await service.setCancelAtNextBillingDate(portal.access.customer_id, param(req, 'subscriptionId'), cancel);
      } catch (error) {
        if (!(error instanceof BillingError) || error.code === 'NOT_FOUND') throw error;
        return subscriptionsOf(portal, req, res, 422, said(error));
      }
      done(res, portal.base, cancel ? 'cancel_set' : 'cancel_undone');
    }),
  );

  router.get(
    '/portal/:token/subscriptions/:subscriptionId/change',
    portalPage(engine, async (portal, req, res) => {
      sendPage(res, 200, planOptionsPage(portal, await service.planOptions(portal.access.customer_id, param(req, 'subscriptionId'))));
    }),
  );

  const review = async (portal: PortalRequest, req: Request, res: Response, productId: string, status: number, error: string | null) => {
    const subscriptionId = param(req, 'subscriptionId');
    try {
      sendPage(res, status, reviewPage(portal, res, await service.previewChange(portal.access.customer_id, subscriptionId, productId), error));
    } catch (refused) {
      if (!(refused instanceof BillingError) || refused.code === 'NOT_FOUND') throw refused;
      const options = await service.planOptions(portal.access.customer_id, subscriptionId);
      sendPage(res, 422, planOptionsPage(portal, { ...options, unavailable: options.unavailable ?? said(refused) }));
    }
  };

  router.get(
    '/portal/:token/subscriptions/:subscriptionId/change/review',
    portalPage(engine, (portal, req, res) =>
      review(portal, req, res, typeof req.query.product_id === 'string' ? req.query.product_id : '', 200, null),
    ),
  );

  router.post(
    '/portal/:token/subscriptions/:subscriptionId/change',
    portalPage(engine, async (portal, req, res) => {
      const form = FormFields.of(req);
      const productId = form.text('product_id') ?? '';
      const expected = { total_amount: form.count('expected_total') ?? Number.NaN, credit_amount: form.count('expected_credit') ?? Number.NaN };
      try {
        const result = await service.changePlan(portal.access.customer_id, param(req, 'subscriptionId'), productId, expected);
        const notice = { applied: 'plan_changed', scheduled: 'plan_scheduled', on_hold: 'plan_on_hold', not_applied: 'plan_not_applied' }[
          result.status
        ];
        done(res, portal.base, notice);
      } catch (error) {
        if (!(error instanceof BillingError) || error.code === 'NOT_FOUND') throw error;
        await review(portal, req, res, productId, 422, said(error));
      }
    }),
  );

  router.get(
    '/portal/:token/subscriptions/:subscriptionId/card',
    portalPage(engine, async (portal, req, res) => {
      sendPage(
        res,
        200,
        cardPage(portal, res, await service.subscription(portal.access.customer_id, param(req, 'subscriptionId')), { number: '', expiry: '' }, null),
      );
    }),
  );

  router.post(
    '/portal/:token/subscriptions/:subscriptionId/card',
    portalPage(engine, async (portal, req, res) => {
      const subscriptionId = param(req, 'subscriptionId');
      const form = FormFields.of(req);
      const values = { number: form.text('card_number') ?? '', expiry: form.text('card_expiry') ?? '' };
      const item = await service.subscription(portal.access.customer_id, subscriptionId);
      let card: CardInput;
      try {
        card = cardOf(form);
      } catch (error) {
        if (!(error instanceof FormProblem)) throw error;
        sendPage(res, 422, cardPage(portal, res, item, values, error.message));
        return;
      }
      try {
        const { subscription, payment } = await service.updateCard(portal.access.customer_id, subscriptionId, card);
        if (payment?.status === 'failed') {
          const why = `Your card was declined${payment.error_code === null ? '' : ` (${payment.error_code})`}. The subscription is still on hold; try another card.`;
          sendPage(res, 402, cardPage(portal, res, { ...item, subscription }, values, why));
          return;
        }
        done(res, portal.base, payment === null ? 'card_updated' : 'recovered');
      } catch (error) {
        if (!(error instanceof BillingError) || error.code === 'NOT_FOUND') throw error;
        sendPage(res, 422, cardPage(portal, res, item, values, said(error)));
      }
    }),
  );
};
