// The idempotency index stores a 52-bit hash of each event_id instead of the id itself: an index entry of
// ~14 bytes instead of ~45 keeps the 1,000,000-event index at ~3,600 pages instead of ~11,000, and a merge
// rewrites fewer of them. Equal hashes are only candidates: the stored event_id is always compared, so two
// ids that collide are still two events. The function is persisted in every row: never change it.

const TWO_POW_20 = 0x100000;
const TWO_POW_51 = 2 ** 51;

/**
 * A stable 52-bit hash of an event id as a safe integer in [−2^51, 2^51): two independent 32-bit
 * FNV-1a-style lanes over the UTF-16 code units, each finished with an avalanche step, joined as
 * 32 + 20 bits. "evt_1" always hashes to the same number, on every machine and version.
 */
export function eventIdHash(eventId: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < eventId.length; i++) {
    const c = eventId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  return (b >>> 0) * TWO_POW_20 + ((a >>> 0) % TWO_POW_20) - TWO_POW_51;
}
