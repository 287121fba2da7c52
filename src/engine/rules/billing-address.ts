import { BillingError } from '../errors.js';
import type { BillingAddress, BillingAddressInput } from '../payments/types.js';

/** ISO 3166-1 alpha-2, the 249 assigned codes. */
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO ' +
    'FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE ' +
    'JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO ' +
    'MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW ' +
    'PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM ' +
    'TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

export const COUNTRY_COUNT = COUNTRIES.size;

/**
 * How complete an address must be (SPEC §2.1 rule 8): `country` always; with confirm=true every field
 * (`full`), or only zipcode and country when minimal_address is set (`minimal`).
 */
export type AddressRequirement = 'country' | 'full' | 'minimal';

const FIELDS = ['street', 'city', 'state', 'zipcode'] as const;

/**
 * The address as stored: country upper-cased and checked against ISO 3166-1 alpha-2 ("us" → "US"; "USA"
 * is INVALID_REQUEST_BODY; the unassigned "QQ" is UNSUPPORTED_COUNTRY), blank fields as null, and the
 * fields `requirement` asks for present (INVALID_REQUEST_BODY naming the missing ones).
 */
export function checkBillingAddress(input: BillingAddressInput, requirement: AddressRequirement): BillingAddress {
  const country = (input.country ?? '').trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `billing_address.country must be a two-letter ISO 3166-1 code, got "${input.country ?? ''}"`,
      'send e.g. "US", "IN" or "GB"',
    );
  }
  if (!COUNTRIES.has(country)) {
    throw new BillingError('UNSUPPORTED_COUNTRY', `Country ${country} currently not supported`, 'send an ISO 3166-1 alpha-2 code such as "US"');
  }
  const clean = (value: string | null | undefined) => {
    const trimmed = value?.trim() ?? '';
    return trimmed === '' ? null : trimmed;
  };
  const address: BillingAddress = {
    country,
    street: clean(input.street),
    city: clean(input.city),
    state: clean(input.state),
    zipcode: clean(input.zipcode),
  };
  const required = requirement === 'full' ? FIELDS : requirement === 'minimal' ? (['zipcode'] as const) : [];
  const missing = required.filter((field) => address[field] === null);
  if (missing.length > 0) {
    throw new BillingError(
      'INVALID_REQUEST_BODY',
      `billing_address is missing ${missing.join(', ')}; with confirm=true ${requirement === 'minimal' ? 'zipcode and country are' : 'every field is'} required`,
      requirement === 'minimal' ? 'add the zipcode' : 'add the missing fields, or set minimal_address: true to need only zipcode and country',
    );
  }
  return address;
}
