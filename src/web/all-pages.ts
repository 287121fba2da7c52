import { checkoutPages } from './checkout/routes.js';
import type { PageRoutes } from './pages-router.js';
import { portalPages } from './portal/routes.js';

/** Every group of hosted pages, in the order their routes are tried. */
export const ALL_PAGES: readonly PageRoutes[] = [checkoutPages, portalPages];
