import type { Interval } from './products/types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The instant `count` × `interval` after `anchor`, in UTC. Months and years count on the calendar from
 * the anchor's day and clamp to the month's end, always measured from the ANCHOR (not from the previous
 * period), so a subscription started on Jan 31 renews Feb 28 (Feb 29 in a leap year), then Mar 31, Apr 30:
 *   addInterval(Jan 31, 1, Month) = Feb 28;  addInterval(Jan 31, 2, Month) = Mar 31.
 * A Feb 29 anchor renews yearly on Feb 28 in common years. Days and weeks are exact 24 h multiples.
 */
export function addInterval(anchor: number, count: number, interval: Interval): number {
  switch (interval) {
    case 'Day':
      return anchor + count * DAY_MS;
    case 'Week':
      return anchor + count * 7 * DAY_MS;
    case 'Month':
      return addMonths(anchor, count);
    case 'Year':
      return addMonths(anchor, count * 12);
  }
}

function addMonths(anchor: number, months: number): number {
  const start = new Date(anchor);
  const monthIndex = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(start.getUTCDate(), daysInMonth(year, month));
  return Date.UTC(year, month, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds());
}

export function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * The end of the `k`-th period of a schedule that renews every `count` × `interval` from `anchor`
 * (k = 1 is the first renewal). Used so period N is computed from the anchor, never by chaining.
 */
export function periodBoundary(anchor: number, k: number, count: number, interval: Interval): number {
  return addInterval(anchor, k * count, interval);
}

/** Nominal days in one billing interval, for comparing plans per day (SPEC D7: 30 per month, 365 per year). */
export function nominalDays(count: number, interval: Interval): number {
  switch (interval) {
    case 'Day':
      return count;
    case 'Week':
      return count * 7;
    case 'Month':
      return count * 30;
    case 'Year':
      return count * 365;
  }
}
