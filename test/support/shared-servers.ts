// Several real server processes (the built CLI) on one database file, each with the SDK's own client:
// the set-up of the "several assistants, one database" tests (issue 12, SPEC D17).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import Database from 'better-sqlite3';
import { CLI, cliEnv, startHttpCli } from './cli-process.js';
import { CARD_OK } from './checkout-fixtures.js';
import { streamableClient } from './e2e-clients.js';
import { textOf } from './mcp-client.js';

export interface Server {
  name: string;
  client: Client;
  /** Resolves a tool call to its result; a call the transport lost (the process died) rejects. */
  call(tool: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** Calls a tool that must succeed and returns its structuredContent. */
  ok<T = Record<string, unknown>>(tool: string, args?: Record<string, unknown>): Promise<T>;
  /** SIGKILL: no shutdown, no checkpoint; resolves once the process is gone. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** A connected client as a Server: calls with a 120 s timeout, `ok` for calls that must succeed. */
export function serverOf(name: string, client: Client, kill: () => Promise<void>, close: () => Promise<void>): Server {
  const call = async (tool: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
  return {
    name,
    client,
    call,
    async ok<T>(tool: string, args: Record<string, unknown> = {}) {
      const result = await call(tool, args);
      if (result.isError) throw new Error(`${name}: ${tool} failed: ${textOf(result)}`);
      return result.structuredContent as T;
    },
    kill,
    close,
  };
}

/**
 * `billing-mcp --db <db>` over stdio. `onStderr` gets everything the process writes to stderr from its
 * first byte, so a server that dies while it starts (or later) says why.
 */
export async function stdioServer(name: string, db: string, onStderr?: (text: string) => void): Promise<Server> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--db', db, '--toolsets', 'all'],
    env: getDefaultEnvironment(),
    stderr: 'pipe',
  });
  if (onStderr) transport.stderr?.on('data', (chunk: Buffer) => onStderr(chunk.toString()));
  const client = new Client({ name: `shared-db-${name}`, version: '0.0.0' });
  await client.connect(transport);
  const kill = async () => {
    const previous = transport.onclose;
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => {
        previous?.();
        resolve();
      };
    });
    process.kill(transport.pid ?? Number.NaN, 'SIGKILL');
    await closed;
  };
  return serverOf(name, client, kill, () => client.close());
}

/** `billing-mcp --transport http --db <db>` with the SDK's Streamable HTTP client. */
export async function httpServer(name: string, db: string): Promise<Server> {
  const http = await startHttpCli(['--db', db, '--toolsets', 'all'], cliEnv());
  const client = await streamableClient(http.url);
  return serverOf(
    name,
    client,
    async () => {
      throw new Error('the HTTP server is stopped, not killed, in these tests');
    },
    async () => {
      await client.close();
      await http.stop();
    },
  );
}

export const BASIC = {
  name: 'Basic',
  tax_category: 'saas',
  price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
};
export const PRO = { ...BASIC, name: 'Pro', price: { ...BASIC.price, price: 8000 } };
export const DAILY = { ...BASIC, name: 'Daily', price: { ...BASIC.price, price: 100, payment_frequency_interval: 'Day' } };
export const APP = {
  name: 'Desktop app',
  tax_category: 'digital_products',
  price: { type: 'one_time_price', currency: 'USD', price: 4900 },
  license_key_enabled: true,
};

/** A usage plan: no fixed fee, API calls counted at 100 (= $1.00) each, none free. */
export async function usagePlan(server: Server): Promise<{ product_id: string }> {
  const meter = await server.ok<{ meter_id: string }>('create_meter', {
    name: 'API calls',
    event_name: 'api.call',
    measurement_unit: 'calls',
    aggregation: { type: 'count' },
  });
  return server.ok('create_product', {
    name: 'API plan',
    tax_category: 'saas',
    price: {
      type: 'usage_based_price',
      currency: 'USD',
      fixed_price: 0,
      payment_frequency_count: 1,
      payment_frequency_interval: 'Month',
      meters: [{ meter_id: meter.meter_id, price_per_unit: '100', free_threshold: 0 }],
    },
  });
}

export interface Purchase {
  customer_id: string;
  payment_id: string;
  subscription_id: string | null;
}

/** A checkout for one product paid with the 4242 card: who bought it, the payment, the subscription if any. */
export async function buy(server: Server, productId: string, email: string): Promise<Purchase> {
  const session = await server.ok<{ session_id: string }>('create_checkout_session', {
    product_cart: [{ product_id: productId, quantity: 1 }],
    customer: { email, name: email.split('@')[0] },
  });
  const done = await server.ok<{ subscription_id: string | null; payment: { payment_id: string; customer: { customer_id: string } } }>(
    'complete_checkout_session',
    {
      session_id: session.session_id,
      card: CARD_OK,
    },
  );
  return { customer_id: done.payment.customer.customer_id, payment_id: done.payment.payment_id, subscription_id: done.subscription_id };
}

/** The error code of a failed result ("CODE: message. Next: …"), or null for a success. */
export function errorCodeOf(result: CallToolResult): string | null {
  if (!result.isError) return null;
  return /^([A-Z_]+):/.exec(textOf(result))?.[1] ?? 'UNKNOWN';
}

/**
 * Invariants read straight from the file (after the servers stopped): money that must add up whatever
 * interleaving the processes took.
 */
export function readInvariants(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const walletsOffLedger = db
      .prepare(
        `SELECT w.customer_id, w.currency, w.balance,
           coalesce((SELECT sum(CASE WHEN e.is_credit = 1 THEN e.amount ELSE -e.amount END) FROM wallet_ledger_entries e
                      WHERE e.customer_id = w.customer_id AND e.currency = w.currency), 0) AS ledger
         FROM wallets w`,
      )
      .all()
      .filter((w) => (w as { balance: number; ledger: number }).balance !== (w as { ledger: number }).ledger);
    const refundsAbovePayment = db
      .prepare(
        `SELECT p.payment_id, p.total_amount, sum(r.amount) AS refunded FROM refunds r JOIN payments p ON p.payment_id = r.payment_id
         WHERE r.status = 'succeeded' GROUP BY p.payment_id HAVING sum(r.amount) > p.total_amount`,
      )
      .all();
    // A renewal claims (subscription, period, kind) once; a period is skipped when a subscription's renewals
    // are not exactly 1..period_index (no plan change here resets the cycle).
    const renewalGaps = db
      .prepare(
        `SELECT s.subscription_id, s.period_index, count(r.period_index) AS runs, max(r.period_index) AS last
         FROM subscriptions s LEFT JOIN subscription_period_runs r ON r.subscription_id = s.subscription_id AND r.kind = 'renewal'
         GROUP BY s.subscription_id HAVING runs <> s.period_index OR coalesce(last, 0) <> s.period_index`,
      )
      .all();
    const renewalPaymentsShared = db
      .prepare(`SELECT payment_id, count(*) AS n FROM subscription_period_runs WHERE payment_id IS NOT NULL GROUP BY payment_id HAVING n > 1`)
      .all();
    const clock = db.prepare('SELECT offset_ms, advance_owner FROM test_clock').get() as
      { offset_ms: number; advance_owner: string | null } | undefined;
    return { integrity, walletsOffLedger, refundsAbovePayment, renewalGaps, renewalPaymentsShared, clock };
  } finally {
    db.close();
  }
}

/** Units billed per customer: the consumed units of every usage line a payment carried. */
export function billedUnitsByCustomer(path: string): Map<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT s.customer_id, sum(l.consumed_units) AS units FROM subscription_usage_lines l JOIN subscriptions s ON s.subscription_id = l.subscription_id
         WHERE l.payment_id IS NOT NULL GROUP BY s.customer_id`,
      )
      .all() as { customer_id: string; units: number }[];
    return new Map(rows.map((r) => [r.customer_id, Number(r.units)]));
  } finally {
    db.close();
  }
}
