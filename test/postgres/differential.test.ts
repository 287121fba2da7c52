// Rule under test (issue 17: "every tool … with the same results as on SQLite"): the same tool calls, in the
// same order, on one engine on SQLite and one on PostgreSQL answer the same. Both engines start from the same
// frozen clock with sequential ids, and build the same small world (a plan, an app with license keys, a
// customer who bought both, a webhook). Then a few hundred calls are drawn from every tool's own input
// schema, as in test/tools/fuzz.test.ts (edge strings and numbers, seeded ids, wrong types, unknown keys).
// Each call goes to both engines, and the two answers must be equal: the same refusal text, or the same
// result. Values that are random by design (license keys, webhook secrets, generated discount codes) are
// matched pairwise first.
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CARD_OK } from '../support/checkout-fixtures.js';
import { type JsonSchema, objectFor } from '../support/fuzz-args.js';
import { type ConnectedClient, connectClient, textOf } from '../support/mcp-client.js';
import { createTestEngine } from '../support/test-engine.js';

const CALLS = 1500;
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);

let sqlite: ConnectedClient;
let postgres: ConnectedClient;
let listed: Tool[];
const ids: string[] = [];
/** PostgreSQL's random values (license keys, secrets) → SQLite's for the same object. */
const sameAs = new Map<string, string>();

/** Calls both, checks they agree on success, and returns SQLite's structured result. */
async function both<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const [a, b] = await Promise.all([sqlite.ok<T>(name, args), postgres.ok<T>(name, args)]);
  pairRandomValues(a, b);
  return a;
}

/** Walks two results of the same call and pairs the strings that are random by design. */
function pairRandomValues(a: unknown, b: unknown): void {
  if (typeof a === 'string' && typeof b === 'string' && a !== b && isRandomByDesign(a)) sameAs.set(b, a);
  else if (Array.isArray(a) && Array.isArray(b)) a.forEach((item, i) => pairRandomValues(item, b[i]));
  else if (a && b && typeof a === 'object' && typeof b === 'object')
    for (const [key, value] of Object.entries(a)) pairRandomValues(value, (b as Record<string, unknown>)[key]);
}

/**
 * License keys (XXXX-XXXX-…), webhook signing secrets, portal links and the code of a discount created
 * without one (16 of [0-9A-Z], SPEC §1.5): random on every engine, never derived.
 */
const isRandomByDesign = (value: string): boolean =>
  /^[A-Z0-9]{4,}(-[A-Z0-9]{4,})+$/.test(value) ||
  value.startsWith('whsec_') ||
  /\/portal\/[A-Za-z0-9]{20,}$/.test(value) ||
  /^[0-9A-Z]{16}$/.test(value);

/** PostgreSQL's answer with its random values replaced by SQLite's. */
function asSqliteWouldSay(text: string): string {
  let out = text;
  for (const [pgValue, sqliteValue] of sameAs) out = out.replaceAll(pgValue, sqliteValue);
  return out;
}

beforeAll(async () => {
  const [a, b] = await Promise.all([createTestEngine(undefined, { database: 'sqlite' }), createTestEngine()]);
  [sqlite, postgres] = await Promise.all([connectClient({}, a), connectClient({}, b)]);
  listed = (await sqlite.client.listTools()).tools;
  const plan = await both<{ product_id: string }>('create_product', {
    name: 'Basic',
    tax_category: 'saas',
    price: { type: 'recurring_price', currency: 'USD', price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month' },
  });
  const app = await both<{ product_id: string }>('create_product', {
    name: 'App',
    tax_category: 'digital_products',
    price: { type: 'one_time_price', currency: 'USD', price: 4900 },
    license_key_enabled: true,
  });
  for (const product of [plan, app]) {
    const session = await both<{ session_id: string }>('create_checkout_session', {
      product_cart: [{ product_id: product.product_id, quantity: 1 }],
      customer: { email: 'fuzz@example.com', name: 'Fuzz' },
    });
    const done = await both<{ payment: { payment_id: string; customer: { customer_id: string } }; subscription_id: string | null }>(
      'complete_checkout_session',
      { session_id: session.session_id, card: CARD_OK },
    );
    ids.push(product.product_id, session.session_id, done.payment.payment_id, done.payment.customer.customer_id);
    if (done.subscription_id) ids.push(done.subscription_id);
  }
  const keys = await both<{ items: { id: string; key: string }[] }>('list_license_keys', {});
  for (const key of keys.items) ids.push(key.id, key.key);
  const webhook = await both<{ id: string }>('create_webhook', { url: 'http://127.0.0.1:9/hooks', disabled: true });
  ids.push(webhook.id);
  await both('get_webhook_secret', { webhook_id: webhook.id }).catch(() => undefined);
});
afterAll(async () => {
  await Promise.all([sqlite?.close(), postgres?.close()]);
});

/** A call's answer as text: the error text, or the structured result. A delivery's latency is wall time, not data. */
function answerOf(result: CallToolResult): string {
  const text = result.isError ? `ERROR ${textOf(result)}` : JSON.stringify(result.structuredContent ?? textOf(result));
  return text.replaceAll(/"latency_ms":\d+/g, '"latency_ms":0');
}

/** The same call made on PostgreSQL: SQLite's random values in its arguments replaced by PostgreSQL's. */
function forPostgres(args: Record<string, unknown>): Record<string, unknown> {
  let json = JSON.stringify(args);
  for (const [pgValue, sqliteValue] of sameAs) json = json.replaceAll(JSON.stringify(sqliteValue).slice(1, -1), JSON.stringify(pgValue).slice(1, -1));
  return JSON.parse(json) as Record<string, unknown>;
}

test(`${CALLS} drawn calls answer the same on SQLite and on PostgreSQL`, async () => {
  const toolCall = fc
    .constantFrom(...listed)
    .chain((tool) => objectFor(tool.inputSchema as JsonSchema, 0, ids).map((args) => ({ name: tool.name, args })));
  const differences: string[] = [];
  let succeeded = 0;
  await fc.assert(
    fc.asyncProperty(toolCall, async ({ name, args }) => {
      // One after the other: each engine's clock and ids move the same way.
      const onSqlite = await sqlite.call(name, args);
      const onPostgres = await postgres.call(name, forPostgres(args));
      if (!onSqlite.isError) {
        succeeded += 1;
        pairRandomValues(onSqlite.structuredContent, onPostgres.structuredContent);
      }
      const expected = answerOf(onSqlite);
      const got = asSqliteWouldSay(answerOf(onPostgres));
      if (got !== expected)
        differences.push(`${name} ${JSON.stringify(args)}\n  sqlite:   ${expected.slice(0, 3000)}\n  postgres: ${got.slice(0, 3000)}`);
    }),
    { numRuns: CALLS, seed: SEED, endOnFailure: true },
  );
  expect(differences.slice(0, 5)).toEqual([]);
  // Both paths ran: some calls succeeded, most were refused.
  expect(succeeded).toBeGreaterThan(10);
}, 300_000);
