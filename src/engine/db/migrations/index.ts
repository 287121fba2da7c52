import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as moneyMovement from './0002-money-movement.js';
import * as customerAndLedgerOrder from './0003-customer-and-ledger-order.js';
import * as subscriptions from './0004-subscriptions.js';
import * as subscriptionAnchorPeriod from './0005-subscription-anchor-period.js';
import * as webhooks from './0008-webhooks.js';
import * as usage from './0006-usage.js';
import * as licenseKeys from './0007-license-keys.js';
import * as usageEventRuns from './0009-usage-event-runs.js';
import * as sharedEngine from './0010-shared-engine.js';
import * as portal from './0011-portal.js';
import * as postgres from './0012-postgres.js';
import * as postgresParity from './0013-postgres-parity.js';

/** Every migration, in order. Names are sorted by Kysely, so the number prefix is the order. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-money-movement': moneyMovement,
  '0003-customer-and-ledger-order': customerAndLedgerOrder,
  '0004-subscriptions': subscriptions,
  '0005-subscription-anchor-period': subscriptionAnchorPeriod,
  '0008-webhooks': webhooks,
  '0006-usage': usage,
  '0007-license-keys': licenseKeys,
  '0009-usage-event-runs': usageEventRuns,
  '0010-shared-engine': sharedEngine,
  '0011-portal': portal,
  '0012-postgres': postgres,
  '0013-postgres-parity': postgresParity,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
