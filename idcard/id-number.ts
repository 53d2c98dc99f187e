import { CardTextError } from './errors';
import { isKnownRegionCode } from './regions';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Provinces (GB/T 2260 first two digits) plus 71 Taiwan, 81 Hong Kong, 82 Macau, 83 permits, 91 legacy. */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83', '91',
]);

/** ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** YYYYMMDD → YYYY-MM-DD when it is a real calendar date, else null. */
export function parseCompactDate(text: string): string | null {
  if (!/^\d{8}$/.test(text)) return null;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(4, 6));
  const d = Number(text.slice(6, 8));
  if (y < 1800 || m < 1 || m > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return null;
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
}

export interface IdNumberFacts {
  /** YYYY-MM-DD, from the number itself. */
  birthDate: string | null;
  /** From the parity of the 17th digit. */
  sex: 'male' | 'female' | null;
  warnings: string[];
}

export type IdNumberKind = 'resident' | 'hkmotw' | 'foreign2017' | 'foreign2023';

/**
 * Validate an ID number for its card type. Throws CardTextError('idNumber') on a bad format,
 * check character, province or birth date; an unknown six-digit region code is only a warning,
 * because numbers issued under since-retired codes stay valid for life.
 */
export function validateIdNumber(id: string, kind: IdNumberKind): IdNumberFacts {
  if (kind === 'foreign2017') {
    if (!/^[A-Z]{3}\d{12}$/.test(id)) throw new CardTextError('idNumber', 'a 2017 foreign permanent-resident number is 3 capital letters and 12 digits');
    return { birthDate: null, sex: null, warnings: [] };
  }
  if (!/^\d{17}[\dX]$/.test(id)) throw new CardTextError('idNumber', 'an ID number is 17 digits and a check character (digit or X)');
  const expected = idCheckChar(id.slice(0, 17));
  if (id[17] !== expected) throw new CardTextError('idNumber', `ID number check character is wrong (expected ${expected})`);
  const birthDate = parseCompactDate(id.slice(6, 14));
  if (!birthDate) throw new CardTextError('idNumber', 'ID number holds an impossible birth date');
  const sex = Number(id[16]) % 2 === 1 ? 'male' : 'female';
  const warnings: string[] = [];
  if (kind === 'foreign2023') {
    if (id[0] !== '9') throw new CardTextError('idNumber', 'a 2023 foreign permanent-resident number starts with 9');
    // 9 + issuing province (2) + ISO 3166 numeric country (3).
    if (!PROVINCES.has(id.slice(1, 3))) warnings.push('region-code-unknown');
    return { birthDate, sex, warnings };
  }
  const province = id.slice(0, 2);
  if (!PROVINCES.has(province)) throw new CardTextError('idNumber', `ID number starts with ${province}, which is no Chinese province code`);
  if (kind === 'hkmotw') {
    if (!['81', '82', '83'].includes(province)) warnings.push('permit-region-unexpected');
  } else if (!isKnownRegionCode(id.slice(0, 6))) {
    warnings.push('region-code-unknown');
  }
  return { birthDate, sex, warnings };
}

/** 110105********002X: region and the last four only, for logs, audit and the screen. */
export function maskIdNumber(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}
