// The PostgreSQL twins of shared-servers.ts's readInvariants and billedUnitsByCustomer (issue 17): the
// money and periods that must add up in a schema several engines wrote to at once, whatever interleaving
// they took. Read straight from the database with `pg`, after the servers stopped. There is no counterpart
// of SQLite's integrity_check: PostgreSQL keeps its own pages consistent.
import pg from 'pg';

/** Where an engine's tables live: a database URL and the schema inside it. */
export interface PostgresSchema {
  url: string;
  schema: string;
}

export interface WalletOffLedger {
  customer_id: string;
  currency: string;
  balance: number;
  ledger: number;
}

export interface RefundAbovePayment {
  payment_id: string;
  total_amount: number;
  refunded: number;
}

export interface RenewalGap {
  subscription_id: string;
  period_index: number;
  runs: number;
  last: number | null;
}

export interface SharedRenewalPayment {
  payment_id: string;
  n: number;
}

export interface PostgresInvariants {
  walletsOffLedger: WalletOffLedger[];
  refundsAbovePayment: RefundAbovePayment[];
  renewalGaps: RenewalGap[];
  renewalPaymentsShared: SharedRenewalPayment[];
  clock: { offset_ms: number; advance_owner: string | null } | undefined;
}

/**
 * Runs `read` on one connection whose search_path is the schema. The schema name is checked as the engine
 * checks it (lower-case letters, digits and _), since it goes into the connection's options unquoted.
 */
export async function withSchema<T>({ url, schema }: PostgresSchema, read: (client: pg.Client) => Promise<T>): Promise<T> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema ${schema} must be lower-case letters, digits and _`);
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await read(client);
  } finally {
    await client.end();
  }
}

// pg returns bigint and numeric as text (they may exceed 2^53); the engine's values never do.
const toNumber = (value: string | number): number => Number(value);
const toNumberOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

/** The invariants of shared-servers.ts's readInvariants, on PostgreSQL. */
export function readPostgresInvariants(target: PostgresSchema): Promise<PostgresInvariants> {
  return withSchema(target, async (client) => {
    // A wallet's balance equals the sum of its ledger (credits minus debits).
    const wallets = await client.query<{ customer_id: string; currency: string; balance: string; ledger: string }>(
      `SELECT * FROM (
         SELECT w.customer_id, w.currency, w.balance,
           coalesce((SELECT sum(CASE WHEN e.is_credit = 1 THEN e.amount ELSE -e.amount END) FROM wallet_ledger_entries e
                      WHERE e.customer_id = w.customer_id AND e.currency = w.currency), 0) AS ledger
         FROM wallets w) x
       WHERE x.balance <> x.ledger`,
    );
    // No payment refunded above its total. PostgreSQL allows no output aliases in HAVING: the sums repeat.
    const refunds = await client.query<{ payment_id: string; total_amount: string; refunded: string }>(
      `SELECT p.payment_id, p.total_amount, sum(r.amount) AS refunded FROM refunds r JOIN payments p ON p.payment_id = r.payment_id
       WHERE r.status = 'succeeded' GROUP BY p.payment_id, p.total_amount HAVING sum(r.amount) > p.total_amount`,
    );
    // A renewal claims (subscription, period, kind) once; a period is skipped when a subscription's renewals
    // are not exactly 1..period_index (no plan change in these tests resets the cycle).
    const gaps = await client.query<{ subscription_id: string; period_index: number; runs: string; last: number | null }>(
      `SELECT s.subscription_id, s.period_index, count(r.period_index) AS runs, max(r.period_index) AS last
       FROM subscriptions s LEFT JOIN subscription_period_runs r ON r.subscription_id = s.subscription_id AND r.kind = 'renewal'
       GROUP BY s.subscription_id, s.period_index
       HAVING count(r.period_index) <> s.period_index OR coalesce(max(r.period_index), 0) <> s.period_index`,
    );
    // No payment is the charge of two period runs.
    const shared = await client.query<{ payment_id: string; n: string }>(
      `SELECT payment_id, count(*) AS n FROM subscription_period_runs WHERE payment_id IS NOT NULL GROUP BY payment_id HAVING count(*) > 1`,
    );
    const clock = await client.query<{ offset_ms: string; advance_owner: string | null }>('SELECT offset_ms, advance_owner FROM test_clock');
    const row = clock.rows[0];
    return {
      walletsOffLedger: wallets.rows.map((w) => ({ ...w, balance: toNumber(w.balance), ledger: toNumber(w.ledger) })),
      refundsAbovePayment: refunds.rows.map((r) => ({ ...r, total_amount: toNumber(r.total_amount), refunded: toNumber(r.refunded) })),
      renewalGaps: gaps.rows.map((g) => ({ ...g, runs: toNumber(g.runs), last: toNumberOrNull(g.last) })),
      renewalPaymentsShared: shared.rows.map((s) => ({ ...s, n: toNumber(s.n) })),
      clock: row === undefined ? undefined : { offset_ms: toNumber(row.offset_ms), advance_owner: row.advance_owner },
    };
  });
}

/** Units billed per customer: the consumed units of every usage line a payment carried (stored as text, so cast). */
export function billedUnitsByCustomerPostgres(target: PostgresSchema): Promise<Map<string, number>> {
  return withSchema(target, async (client) => {
    const { rows } = await client.query<{ customer_id: string; units: string }>(
      `SELECT s.customer_id, sum(l.consumed_units::numeric) AS units FROM subscription_usage_lines l
       JOIN subscriptions s ON s.subscription_id = l.subscription_id
       WHERE l.payment_id IS NOT NULL GROUP BY s.customer_id`,
    );
    return new Map(rows.map((r) => [r.customer_id, toNumber(r.units)]));
  });
}
