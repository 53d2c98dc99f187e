/**
 * Byte layouts of the 256-byte UCS-2LE text block, one per card type (GA/T 467; see
 * shared/reference/idcard-reader.md §2). The type marker is the character at bytes 248-249.
 */
export interface FieldSpec {
  offset: number;
  bytes: number;
}

export const TYPE_MARKER: FieldSpec = { offset: 248, bytes: 2 };

export const residentLayout = {
  name: { offset: 0, bytes: 30 },
  sex: { offset: 30, bytes: 2 },
  nation: { offset: 32, bytes: 4 },
  birth: { offset: 36, bytes: 16 },
  address: { offset: 52, bytes: 70 },
  idNumber: { offset: 122, bytes: 36 },
  issuer: { offset: 158, bytes: 30 },
  validFrom: { offset: 188, bytes: 16 },
  validUntil: { offset: 204, bytes: 16 },
} as const satisfies Record<string, FieldSpec>;

/** HK/Macau/Taiwan residence permit ('J'): resident layout without nation, plus pass number and issue count. */
export const permitLayout = {
  name: { offset: 0, bytes: 30 },
  sex: { offset: 30, bytes: 2 },
  birth: { offset: 36, bytes: 16 },
  address: { offset: 52, bytes: 70 },
  idNumber: { offset: 122, bytes: 36 },
  issuer: { offset: 158, bytes: 30 },
  validFrom: { offset: 188, bytes: 16 },
  validUntil: { offset: 204, bytes: 16 },
  passNumber: { offset: 220, bytes: 18 },
  issueCount: { offset: 238, bytes: 4 },
} as const satisfies Record<string, FieldSpec>;

/** Foreign permanent-resident card, 2017 version ('I'). */
export const foreign2017Layout = {
  englishName: { offset: 0, bytes: 120 },
  sex: { offset: 120, bytes: 2 },
  idNumber: { offset: 122, bytes: 30 },
  nationality: { offset: 152, bytes: 6 },
  name: { offset: 158, bytes: 30 },
  validFrom: { offset: 188, bytes: 16 },
  validUntil: { offset: 204, bytes: 16 },
  birth: { offset: 220, bytes: 16 },
  cardVersion: { offset: 236, bytes: 4 },
  issuer: { offset: 240, bytes: 8 },
} as const satisfies Record<string, FieldSpec>;

/** Foreign permanent-resident card, 2023 version ('Y'): mirrors the resident layout where it can. */
export const foreign2023Layout = {
  name: { offset: 0, bytes: 30 },
  sex: { offset: 30, bytes: 2 },
  renewalCount: { offset: 32, bytes: 4 },
  birth: { offset: 36, bytes: 16 },
  englishName: { offset: 52, bytes: 70 },
  idNumber: { offset: 122, bytes: 36 },
  validFrom: { offset: 188, bytes: 16 },
  validUntil: { offset: 204, bytes: 16 },
  englishNameMore: { offset: 220, bytes: 22 },
  nationality: { offset: 242, bytes: 6 },
  previousNumberLink: { offset: 250, bytes: 6 },
} as const satisfies Record<string, FieldSpec>;
