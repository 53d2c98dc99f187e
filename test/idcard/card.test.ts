import { describe, expect, it } from 'vitest';
import { isExpired, parseCardText, readField } from '../../idcard/card';
import { CardTextError } from '../../idcard/errors';
import { idCheckChar, maskIdNumber, validateIdNumber } from '../../idcard/id-number';
import { buildCardText, makeIdNumber, sampleCards, type SyntheticCard } from '../../idcard/synthetic';
import { nationName } from '../../idcard/nation';

/** Independent of the layouts module: write UCS-2LE at explicit offsets, the way a chip dump looks. */
function handMade(fields: [offset: number, text: string][], marker = ' '): Uint8Array {
  const buf = Buffer.alloc(256);
  for (let i = 0; i < 256; i += 2) buf.writeUInt16LE(0x20, i);
  for (const [offset, text] of fields) buf.write(text, offset, 'utf16le');
  buf.write(marker, 248, 'utf16le');
  return new Uint8Array(buf);
}

function textError(f: () => unknown): CardTextError {
  try {
    f();
  } catch (error) {
    if (error instanceof CardTextError) return error;
    throw error;
  }
  throw new Error('expected a CardTextError');
}

describe('resident card', () => {
  it('reads every field from its published offset', () => {
    const text = handMade([[0, '王小明'], [30, '1'], [32, '03'], [36, '19900307'], [52, '上海市浦东新区样例路88号'],
      [122, makeIdNumber('310115', '19900307', '015')], [158, '上海市公安局浦东分局'], [188, '20150101'], [204, '20350101']]);
    const card = parseCardText(text);
    expect(card).toEqual({
      type: 'resident', name: '王小明', sex: 'male', nationCode: '03', nation: '回', birthDate: '1990-03-07',
      address: '上海市浦东新区样例路88号', idNumber: makeIdNumber('310115', '19900307', '015'), issuer: '上海市公安局浦东分局',
      validFrom: '2015-01-01', validUntil: '2035-01-01', warnings: [],
    });
  });

  it('maps 长期 to long-term and never expires it', () => {
    const card = parseCardText(buildCardText(sampleCards.resident));
    expect(card.validUntil).toBe('long-term');
    expect(card.sex).toBe('female');
    expect(isExpired(card, new Date('2099-01-01'))).toBe(false);
  });

  it('rejects a bad check character, an impossible date and a sex/number mismatch', () => {
    const base = sampleCards.resident;
    expect(textError(() => parseCardText(buildCardText({ ...base, idNumber: '110105194912310021' }))).field).toBe('idNumber');
    expect(textError(() => parseCardText(buildCardText({ ...base, birth: '19490231' }))).field).toBe('birthDate');
    expect(textError(() => parseCardText(buildCardText({ ...base, sex: '1' }))).message).toMatch(/sex digit/);
    expect(textError(() => parseCardText(buildCardText({ ...base, birth: '19491230' }))).message).toMatch(/birth date inside/);
    expect(textError(() => parseCardText(buildCardText({ ...base, validUntil: '2030' }))).field).toBe('validUntil');
    expect(textError(() => parseCardText(new Uint8Array(255))).field).toBe('text');
  });

  it('warns, but accepts, an unknown region, nation or sex code', () => {
    const id = makeIdNumber('119999', '19491231', '002');
    const card = parseCardText(buildCardText({ ...sampleCards.resident, idNumber: id, nation: '77', sex: '9' }));
    expect(card.warnings.sort()).toEqual(['nation-code-unknown', 'region-code-unknown', 'sex-code-unknown']);
    expect(card.type === 'resident' && card.nation).toBe(null);
    expect(card.sex).toBe('unknown');
  });

  it('rejects a number from no province', () => {
    const id = makeIdNumber('991231', '19491231', '002');
    expect(textError(() => parseCardText(buildCardText({ ...sampleCards.resident, idNumber: id }))).message).toMatch(/no Chinese province/);
  });

  it('rejects an unknown card type marker', () => {
    expect(textError(() => parseCardText(handMade([], 'Q'))).field).toBe('type');
  });
});

describe('HK/Macau/Taiwan residence permit (J)', () => {
  it('has no nation and carries pass number and issue count', () => {
    const card = parseCardText(buildCardText(sampleCards.hkmotw));
    expect(card).toMatchObject({ type: 'hkmotw', name: '陈样本', sex: 'male', birthDate: '1990-02-15', passNumber: 'H12345678', issueCount: 1, warnings: [] });
    expect(card).not.toHaveProperty('nation');
  });
  it('reads the pass number at byte 220 and the issue count at 238', () => {
    const text = buildCardText(sampleCards.hkmotw);
    expect(readField(text, { offset: 220, bytes: 18 })).toBe('H12345678');
    expect(readField(text, { offset: 238, bytes: 4 })).toBe('01');
    expect(readField(text, { offset: 248, bytes: 2 })).toBe('J');
  });
});

describe('foreign permanent-resident cards', () => {
  it('2017 (I): English name, 15-character number, nationality, version and issuer code', () => {
    const card = parseCardText(buildCardText(sampleCards.foreign2017));
    expect(card).toMatchObject({
      type: 'foreign2017', englishName: 'SAMPLE, ALEX JORDAN', name: '艾力', idNumber: 'USA110085061500', nationality: 'USA',
      birthDate: '1985-06-15', cardVersion: '05', issuer: '1100', validUntil: '2027-06-01', warnings: [],
    });
  });
  it('2017 (I): rejects a number that is not 3 letters and 12 digits; warns on a nationality mismatch', () => {
    expect(textError(() => parseCardText(buildCardText({ ...sampleCards.foreign2017, idNumber: 'US1110085061500' }))).field).toBe('idNumber');
    expect(parseCardText(buildCardText({ ...sampleCards.foreign2017, nationality: 'CAN' })).warnings).toEqual(['nationality-mismatch']);
  });
  it('2023 (Y): number starting with 9 with a check digit, split English name, nationality', () => {
    const long = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJKLMNOPQR';
    const card = parseCardText(buildCardText({ ...sampleCards.foreign2023, englishName: long.slice(0, 35), englishNameMore: long.slice(35) }));
    expect(card).toMatchObject({ type: 'foreign2023', name: '沙测试', englishName: long, idNumber: '932682198501010017', nationality: 'SAU', sex: 'male', birthDate: '1985-01-01', renewalCount: 0 });
  });
  it('2023 (Y): rejects a number that does not start with 9', () => {
    const id = makeIdNumber('110105', '19850101', '001');
    expect(textError(() => parseCardText(buildCardText({ ...sampleCards.foreign2023, idNumber: id }))).message).toMatch(/starts with 9/);
  });
});

describe('ID numbers', () => {
  it('computes MOD 11-2 check characters for the published samples', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idCheckChar('93268219850101001')).toBe('7');
    expect(idCheckChar('91112419810803002')).toBe('4');
    expect(validateIdNumber('911124198108030024', 'foreign2023').sex).toBe('female');
  });
  it('masks all but region and last four', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskIdNumber('USA110085061500')).toBe('USA110*****1500');
  });
  it('knows the GB 3304 nations', () => {
    expect(nationName('01')).toBe('汉');
    expect(nationName('56')).toBe('基诺');
    expect(nationName('57')).toBe(null);
  });
  it('every sample card parses without warnings', () => {
    for (const sample of Object.values(sampleCards) as SyntheticCard[]) {
      expect(parseCardText(buildCardText(sample)).warnings).toEqual([]);
    }
  });
});
