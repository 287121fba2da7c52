/**
 * Amounts as a buyer reads them, in the currency's own format: 2999 USD → "$29.99", −677 USD → "-$6.77",
 * 150000 INR → "₹1,500.00". Minor units are divided by 10^digits of the currency (2 for USD and INR).
 */
export function formatMoney(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

/** ISO instants as a date a person reads: "2026-05-01T00:00:00.000Z" → "May 1, 2026" (UTC, as billed). */
export function formatDate(isoInstant: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(isoInstant));
}
