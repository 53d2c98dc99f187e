import type { CardType } from './card';
import { idCheckChar } from './id-number';
import { foreign2017Layout, foreign2023Layout, permitLayout, residentLayout, TYPE_MARKER, type FieldSpec } from './layouts';
import { FINGERPRINT_BYTES, PHOTO_BYTES, TEXT_BYTES, WLT_MAGIC } from './reply';

/**
 * Synthetic card data for tests, the simulator and the demo. Every identity here is invented;
 * the ID numbers are the published GB 11643 / National Immigration Administration samples or
 * computed with a valid check character. Field values are the raw texts as stored on the chip
 * (dates YYYYMMDD, validUntil a date or 长期, sex '1'/'2').
 */
type Fields<L> = { [K in keyof L]?: string };
export type SyntheticCard =
  | ({ type: 'resident' } & Fields<typeof residentLayout>)
  | ({ type: 'hkmotw' } & Fields<typeof permitLayout>)
  | ({ type: 'foreign2017' } & Fields<typeof foreign2017Layout>)
  | ({ type: 'foreign2023' } & Fields<typeof foreign2023Layout>);

const layouts: Record<CardType, Record<string, FieldSpec>> = {
  resident: residentLayout,
  hkmotw: permitLayout,
  foreign2017: foreign2017Layout,
  foreign2023: foreign2023Layout,
};
const markers: Record<CardType, string> = { resident: ' ', hkmotw: 'J', foreign2017: 'I', foreign2023: 'Y' };

function writeField(text: Uint8Array, field: FieldSpec, value: string, name: string): void {
  if (value.length * 2 > field.bytes) throw new RangeError(`${name} holds at most ${field.bytes / 2} characters`);
  const padded = value.padEnd(field.bytes / 2, ' ');
  for (let i = 0; i < padded.length; i++) {
    const code = padded.charCodeAt(i);
    text[field.offset + 2 * i] = code & 0xff;
    text[field.offset + 2 * i + 1] = code >> 8;
  }
}

/** Lay the fields out as a 256-byte UCS-2LE text block; absent fields are space-padded. */
export function buildCardText(card: SyntheticCard): Uint8Array {
  const text = new Uint8Array(TEXT_BYTES);
  for (let i = 0; i < TEXT_BYTES; i += 2) text[i] = 0x20;
  const layout = layouts[card.type];
  for (const [name, spec] of Object.entries(layout)) {
    const value = (card as Record<string, string | undefined>)[name];
    if (value !== undefined) writeField(text, spec, value, name);
  }
  writeField(text, TYPE_MARKER, markers[card.type], 'type');
  return text;
}

/** An 18-character number with a correct MOD 11-2 check character. */
export function makeIdNumber(region: string, birth: string, sequence: string): string {
  const first17 = `${region}${birth}${sequence}`;
  if (!/^\d{17}$/.test(first17)) throw new RangeError('region (6), birth (8) and sequence (3) must be digits');
  return first17 + idCheckChar(first17);
}

/** Deterministic pseudo-random bytes (xorshift32), so fixtures are stable across runs. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A 1024-byte stand-in for a WLT photo: the real header, then noise (no decoder can render it). */
export function syntheticWlt(seed = 1): Uint8Array {
  const wlt = pseudoRandomBytes(PHOTO_BYTES, seed);
  wlt.set(WLT_MAGIC, 0);
  return wlt;
}

/** Two non-empty 512-byte fingerprint templates. */
export function syntheticFingerprints(seed = 2): Uint8Array {
  const fp = pseudoRandomBytes(FINGERPRINT_BYTES, seed);
  fp[0] = 0x43; // templates start with 'C' in vendor dumps; any non-zero byte marks the slot used
  fp[512] = 0x43;
  return fp;
}

/** One valid synthetic card of each type. */
export const sampleCards = {
  resident: {
    type: 'resident', name: '张测试', sex: '2', nation: '01', birth: '19491231', address: '北京市朝阳区测试路1号',
    idNumber: '11010519491231002X', issuer: '北京市公安局朝阳分局', validFrom: '20200101', validUntil: '长期',
  },
  hkmotw: {
    type: 'hkmotw', name: '陈样本', sex: '1', birth: '19900215', address: '广东省深圳市福田区示例大道2号',
    idNumber: makeIdNumber('810000', '19900215', '003'), issuer: '深圳市公安局', validFrom: '20210301', validUntil: '20260301',
    passNumber: 'H12345678', issueCount: '01',
  },
  foreign2017: {
    type: 'foreign2017', englishName: 'SAMPLE, ALEX JORDAN', sex: '1', idNumber: 'USA110085061500', nationality: 'USA',
    name: '艾力', validFrom: '20170601', validUntil: '20270601', birth: '19850615', cardVersion: '05', issuer: '1100',
  },
  foreign2023: {
    type: 'foreign2023', name: '沙测试', sex: '1', renewalCount: '00', birth: '19850101',
    englishName: 'TESTER, SAMPLE MOHAMMED', idNumber: '932682198501010017', validFrom: '20231201', validUntil: '20331201',
    nationality: 'SAU',
  },
} as const satisfies Record<CardType, SyntheticCard>;
