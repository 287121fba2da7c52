// The pages print customers' own words (names, product names, discount codes): every interpolation is
// escaped, so a name of "<script>" is text on the page, never markup.
import { describe, expect, test } from 'vitest';
import { html } from '../../src/web/html.js';
import { formatDate, formatMoney } from '../../src/web/money-format.js';

describe('html', () => {
  test('escapes interpolated text, keeps nested templates, joins arrays, drops null/undefined/false', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    const rows = ['a', 'b'].map((r) => html`<li>${r}</li>`);
    const out = html`<p title="${name}">${name}</p><ul>${rows}</ul>${null}${undefined}${false}${0}`;
    expect(out.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p><ul><li>a</li><li>b</li></ul>0',
    );
  });
});

describe('formatMoney', () => {
  test.each([
    [2999, 'USD', '$29.99'],
    [-677, 'USD', '-$6.77'],
    [150000, 'INR', '₹1,500.00'],
    [0, 'USD', '$0.00'],
  ])('%i %s → %s', (amount, currency, expected) => {
    expect(formatMoney(amount, currency)).toBe(expected);
  });

  test('dates read in UTC, as periods are billed', () => {
    expect(formatDate('2026-05-01T00:00:00.000Z')).toBe('May 1, 2026');
  });
});
