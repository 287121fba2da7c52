// Rule under test: the refund tools (SPEC §1.10, §2.9) — create_refund, get_refund, list_refunds and
// get_refund_receipt return the engine's refund and receipt as structuredContent; bad input to each is
// isError with the code and a next step, and a refused call leaves refunds, lines, payments and events unchanged.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { oneTime } from '../support/checkout-fixtures.js';
import { type ConnectedClient, connectClient } from '../support/mcp-client.js';
import { buy, refundState } from '../support/refund-fixtures.js';

let c: ConnectedClient;
beforeEach(async () => {
  c = await connectClient();
});
afterEach(async () => {
  await c.close();
});

/** A $19 guide (pdt_0001) and a $9 workbook (pdt_0002) bought together: pay_0001, total 2800. */
async function purchase() {
  const guide = await oneTime(c.engine, { name: 'Guide', price: 1900 });
  const workbook = await oneTime(c.engine, { name: 'Workbook', price: 900 });
  return buy(c.engine, [
    [guide.product_id, 1],
    [workbook.product_id, 1],
  ]);
}

describe('refund tools', () => {
  test('create_refund per line, then the rest → get_refund, list_refunds and the receipt agree', async () => {
    await purchase();
    const first = await c.ok('create_refund', {
      payment_id: 'pay_0001',
      items: [{ item_id: 'pdt_0001', amount: 500 }],
      reason: 'late delivery',
      metadata: { ticket: 'T-7' },
    });
    expect(first).toMatchObject({
      refund_id: 'ref_0001',
      amount: 500,
      is_partial: true,
      status: 'succeeded',
      items: [{ item_id: 'pdt_0001', amount: 500 }],
      metadata: { ticket: 'T-7' },
    });
    const rest = await c.ok('create_refund', { payment_id: 'pay_0001' });
    expect(rest).toMatchObject({ refund_id: 'ref_0002', amount: 2300, is_partial: true });
    expect(await c.ok('get_refund', { refund_id: 'ref_0001' })).toEqual(first);
    expect(await c.ok('list_refunds', { payment_id: 'pay_0001' })).toMatchObject({
      items: [{ refund_id: 'ref_0002' }, { refund_id: 'ref_0001' }],
      has_more: false,
    });
    expect(await c.ok('get_refund_receipt', { refund_id: 'ref_0002' })).toMatchObject({
      refund_id: 'ref_0002',
      payment: { payment_id: 'pay_0001', invoice_id: 'inv_0001', total_amount: 2800 },
      lines: [
        { item_id: 'pdt_0001', paid_amount: 1900, total: 1400 },
        { item_id: 'pdt_0002', paid_amount: 900, total: 900 },
      ],
      total_amount: 2300,
    });
    expect((await c.engine.payments.get('pay_0001')).refund_status).toBe('full');
  });

  test('create_refund with tax_inclusive false adds the line tax', async () => {
    await c.engine.settings.update({ default_tax_rate_bps: 1800 });
    const guide = await oneTime(c.engine, { price: 1000 });
    await buy(c.engine, [[guide.product_id, 1]]); // 1000 + 180 tax
    expect(
      await c.ok('create_refund', { payment_id: 'pay_0001', items: [{ item_id: guide.product_id, amount: 500, tax_inclusive: false }] }),
    ).toMatchObject({
      amount: 590,
    });
  });
});

describe('bad input → isError with the code, nothing written', () => {
  const CASES: Array<[tool: string, args: Record<string, unknown>, expected: string]> = [
    ['create_refund', {}, 'INVALID_REQUEST_BODY: invalid arguments for create_refund: payment_id'],
    ['create_refund', { payment_id: 'pay_0001', amount: 100 }, 'INVALID_REQUEST_BODY'],
    ['create_refund', { payment_id: 'pay_0001', items: [{ item_id: 'pdt_0001', amount: 1.5 }] }, 'INVALID_REQUEST_BODY'],
    // A misspelt amount is refused, never dropped (dropped, it would refund the whole line).
    ['create_refund', { payment_id: 'pay_0001', items: [{ item_id: 'pdt_0001', amt: 100 }] }, 'INVALID_REQUEST_BODY'],
    ['create_refund', { payment_id: 'pay_0001', items: [] }, 'INVALID_REQUEST_BODY: items is empty'],
    ['create_refund', { payment_id: 'pay_0001', reason: 'x'.repeat(3001) }, 'INVALID_REQUEST_BODY'],
    ['create_refund', { payment_id: 'pay_nope' }, 'NOT_FOUND: no payment pay_nope. Next: list_payments shows the existing ids'],
    [
      'create_refund',
      { payment_id: 'pay_0001', items: [{ item_id: 'pdt_nope' }] },
      'LINE_ITEM_NOT_FOUND: Line item pdt_nope not found in payment pay_0001',
    ],
    [
      'create_refund',
      { payment_id: 'pay_0001', items: [{ item_id: 'pdt_0001', amount: 1901 }] },
      'LINE_ITEM_REFUND_AMOUNT_TOO_HIGH: Line item pdt_0001 requested refund amount including tax is 1901 which is above the paid amount 1900. Next:',
    ],
    ['create_refund', { payment_id: 'pay_0001', items: [{ item_id: 'pdt_0001', amount: 0 }] }, 'LINE_ITEM_REFUND_AMOUNT_TOO_LOW'],
    ['create_refund', { payment_id: 'pay_0001', items: [{ item_id: 'pdt_0001' }, { item_id: 'pdt_0001' }] }, 'DUPLICATE_LINE_ITEMS_IN_REQUEST'],
    ['get_refund', {}, 'INVALID_REQUEST_BODY'],
    ['get_refund', { refund_id: 'ref_nope' }, 'NOT_FOUND: no refund ref_nope. Next: list_refunds shows the existing ids'],
    ['list_refunds', { status: 'done' }, 'INVALID_REQUEST_BODY'],
    ['list_refunds', { page_size: 101 }, 'INVALID_REQUEST_BODY'],
    ['list_refunds', { created_at_gte: 'yesterday' }, 'INVALID_REQUEST_BODY: created_at_gte must be an ISO-8601 instant'],
    ['get_refund_receipt', { refund_id: 'ref_nope' }, 'NOT_FOUND'],
    ['get_refund_receipt', { refund_id: 7 }, 'INVALID_REQUEST_BODY'],
  ];

  const labelled = CASES.map(([tool, args, expected]) => [tool, JSON.stringify(args).slice(0, 90), args, expected] as const);
  test.each(labelled)('%s %s', async (tool, _label, args, expected) => {
    await purchase();
    const before = await refundState(c.engine);
    const text = await c.fail(tool, args);
    expect(text.startsWith(expected)).toBe(true);
    expect(await refundState(c.engine)).toEqual(before);
  });

  test('a refused refund after a real one changes nothing either: PAYMENT_ALREADY_REFUNDED', async () => {
    await purchase();
    await c.ok('create_refund', { payment_id: 'pay_0001' });
    const before = await refundState(c.engine);
    expect(before.counts).toEqual({ refunds: 1, outbox_events: 3 });
    expect(await c.fail('create_refund', { payment_id: 'pay_0001' })).toMatch(/^PAYMENT_ALREADY_REFUNDED: .*Next: list_refunds/);
    expect(await refundState(c.engine)).toEqual(before);
  });
});
