import { CardTextError } from './errors';
import { parseCompactDate, validateIdNumber } from './id-number';
import { foreign2017Layout, foreign2023Layout, permitLayout, residentLayout, TYPE_MARKER, type FieldSpec } from './layouts';
import { nationName } from './nation';
import { TEXT_BYTES } from './reply';

export type CardType = 'resident' | 'hkmotw' | 'foreign2017' | 'foreign2023';
export type Sex = 'male' | 'female' | 'unknown';

interface CardBase {
  type: CardType;
  /** Chinese name; foreign cards may leave it empty. */
  name: string;
  sex: Sex;
  /** YYYY-MM-DD */
  birthDate: string;
  idNumber: string;
  /** YYYY-MM-DD */
  validFrom: string;
  /** YYYY-MM-DD or 'long-term' (长期). */
  validUntil: string;
  /** Machine-readable notes that do not invalidate the card, e.g. region-code-unknown. */
  warnings: string[];
}

export interface ResidentCard extends CardBase {
  type: 'resident';
  nationCode: string;
  /** null when the code is not in GB 3304 (see warnings). */
  nation: string | null;
  address: string;
  issuer: string;
}

export interface PermitCard extends CardBase {
  type: 'hkmotw';
  address: string;
  issuer: string;
  passNumber: string;
  issueCount: number | null;
}

export interface Foreign2017Card extends CardBase {
  type: 'foreign2017';
  englishName: string;
  nationality: string;
  cardVersion: string;
  /** Code of the authority that accepted the application. */
  issuer: string;
}

export interface Foreign2023Card extends CardBase {
  type: 'foreign2023';
  englishName: string;
  nationality: string;
  renewalCount: number | null;
  /** Link to the holder's previous (2017-style) number, when the chip carries one. */
  previousNumberLink: string;
}

export type Card = ResidentCard | PermitCard | Foreign2017Card | Foreign2023Card;

const utf16 = new TextDecoder('utf-16le');

/**
 * Characters no card field legitimately holds and that change how the rest of a line is shown or
 * logged: C0/C1 controls (newlines forge log lines), bidirectional overrides, embeddings and
 * isolates (U+202E makes "…gpj.exe" read as "…exe.jpg"), and invisible joiners and marks.
 * The chip is signed by the issuer, but a forged card or a hostile reader can put anything here.
 */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/** Remove control and bidi-override characters (see UNSAFE_TEXT). */
export function stripUnsafeText(text: string): string {
  return text.replace(UNSAFE_TEXT, '');
}

/** Read one space-padded UCS-2LE field; trailing spaces and NULs are padding; control and bidi characters are dropped. */
export function readField(text: Uint8Array, field: FieldSpec): string {
  return stripUnsafeText(utf16.decode(text.subarray(field.offset, field.offset + field.bytes)).replace(/[\u0020\u0000]+$/u, ''));
}

export function cardTypeOf(text: Uint8Array): CardType {
  const marker = readField(text, TYPE_MARKER);
  switch (marker) {
    case '':
      return 'resident';
    case 'J':
      return 'hkmotw';
    case 'I':
      return 'foreign2017';
    case 'Y':
      return 'foreign2023';
    default:
      throw new CardTextError('type', `unknown card type marker U+${(marker.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} at bytes 248-249`);
  }
}

/** Parse a 256-byte text block into a typed card, validating dates and the ID number. */
export function parseCardText(text: Uint8Array): Card {
  if (text.length !== TEXT_BYTES) throw new CardTextError('text', `the text block is ${text.length} bytes; ID cards carry ${TEXT_BYTES}`);
  switch (cardTypeOf(text)) {
    case 'resident':
      return parseResident(text);
    case 'hkmotw':
      return parsePermit(text);
    case 'foreign2017':
      return parseForeign2017(text);
    case 'foreign2023':
      return parseForeign2023(text);
  }
}

function required(text: Uint8Array, field: FieldSpec, name: string): string {
  const value = readField(text, field);
  if (!value) throw new CardTextError(name, `the ${name} field is empty`);
  return value;
}

function date(text: Uint8Array, field: FieldSpec, name: string): string {
  const raw = readField(text, field);
  const parsed = parseCompactDate(raw);
  if (!parsed) throw new CardTextError(name, `the ${name} field is not a real YYYYMMDD date`);
  return parsed;
}

function validUntil(text: Uint8Array, field: FieldSpec): string {
  const raw = readField(text, field);
  if (raw === '长期') return 'long-term';
  const parsed = parseCompactDate(raw);
  if (!parsed) throw new CardTextError('validUntil', 'the validUntil field is neither a YYYYMMDD date nor 长期');
  return parsed;
}

function sexOf(code: string, warnings: string[]): Sex {
  if (code === '1') return 'male';
  if (code === '2') return 'female';
  warnings.push('sex-code-unknown');
  return 'unknown';
}

function count(raw: string): number | null {
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/** Birth date and sex in the number must match the printed fields. */
function crossCheck(card: CardBase, facts: { birthDate: string | null; sex: 'male' | 'female' | null }): void {
  if (facts.birthDate && facts.birthDate !== card.birthDate) {
    throw new CardTextError('idNumber', 'the birth date inside the ID number differs from the birth date field');
  }
  if (facts.sex && card.sex !== 'unknown' && facts.sex !== card.sex) {
    throw new CardTextError('idNumber', 'the sex digit of the ID number differs from the sex field');
  }
  if (card.validUntil !== 'long-term' && card.validUntil < card.validFrom) card.warnings.push('validity-reversed');
}

function parseResident(text: Uint8Array): ResidentCard {
  const L = residentLayout;
  const warnings: string[] = [];
  const nationCode = readField(text, L.nation);
  const nation = nationName(nationCode);
  if (!nation) warnings.push('nation-code-unknown');
  const card: ResidentCard = {
    type: 'resident',
    name: required(text, L.name, 'name'),
    sex: sexOf(readField(text, L.sex), warnings),
    nationCode,
    nation,
    birthDate: date(text, L.birth, 'birthDate'),
    address: readField(text, L.address),
    idNumber: required(text, L.idNumber, 'idNumber'),
    issuer: readField(text, L.issuer),
    validFrom: date(text, L.validFrom, 'validFrom'),
    validUntil: validUntil(text, L.validUntil),
    warnings,
  };
  const facts = validateIdNumber(card.idNumber, 'resident');
  warnings.push(...facts.warnings);
  crossCheck(card, facts);
  return card;
}

function parsePermit(text: Uint8Array): PermitCard {
  const L = permitLayout;
  const warnings: string[] = [];
  const card: PermitCard = {
    type: 'hkmotw',
    name: required(text, L.name, 'name'),
    sex: sexOf(readField(text, L.sex), warnings),
    birthDate: date(text, L.birth, 'birthDate'),
    address: readField(text, L.address),
    idNumber: required(text, L.idNumber, 'idNumber'),
    issuer: readField(text, L.issuer),
    validFrom: date(text, L.validFrom, 'validFrom'),
    validUntil: validUntil(text, L.validUntil),
    passNumber: readField(text, L.passNumber),
    issueCount: count(readField(text, L.issueCount)),
    warnings,
  };
  if (!card.passNumber) warnings.push('pass-number-missing');
  const facts = validateIdNumber(card.idNumber, 'hkmotw');
  warnings.push(...facts.warnings);
  crossCheck(card, facts);
  return card;
}

function parseForeign2017(text: Uint8Array): Foreign2017Card {
  const L = foreign2017Layout;
  const warnings: string[] = [];
  const card: Foreign2017Card = {
    type: 'foreign2017',
    name: readField(text, L.name),
    englishName: required(text, L.englishName, 'englishName'),
    sex: sexOf(readField(text, L.sex), warnings),
    idNumber: required(text, L.idNumber, 'idNumber'),
    nationality: readField(text, L.nationality),
    birthDate: date(text, L.birth, 'birthDate'),
    validFrom: date(text, L.validFrom, 'validFrom'),
    validUntil: validUntil(text, L.validUntil),
    cardVersion: readField(text, L.cardVersion),
    issuer: readField(text, L.issuer),
    warnings,
  };
  validateIdNumber(card.idNumber, 'foreign2017');
  if (!/^[A-Z]{3}$/.test(card.nationality)) warnings.push('nationality-code-malformed');
  // The number begins with the holder's nationality code.
  else if (!card.idNumber.startsWith(card.nationality)) warnings.push('nationality-mismatch');
  crossCheck(card, { birthDate: null, sex: null });
  return card;
}

function parseForeign2023(text: Uint8Array): Foreign2023Card {
  const L = foreign2023Layout;
  const warnings: string[] = [];
  const englishName = (readField(text, L.englishName).padEnd(35, ' ') + readField(text, L.englishNameMore)).trimEnd();
  if (!englishName) throw new CardTextError('englishName', 'the englishName field is empty');
  const card: Foreign2023Card = {
    type: 'foreign2023',
    name: readField(text, L.name),
    englishName,
    sex: sexOf(readField(text, L.sex), warnings),
    renewalCount: count(readField(text, L.renewalCount)),
    birthDate: date(text, L.birth, 'birthDate'),
    idNumber: required(text, L.idNumber, 'idNumber'),
    validFrom: date(text, L.validFrom, 'validFrom'),
    validUntil: validUntil(text, L.validUntil),
    nationality: readField(text, L.nationality),
    previousNumberLink: readField(text, L.previousNumberLink),
    warnings,
  };
  if (!/^[A-Z]{3}$/.test(card.nationality)) warnings.push('nationality-code-malformed');
  const facts = validateIdNumber(card.idNumber, 'foreign2023');
  warnings.push(...facts.warnings);
  crossCheck(card, facts);
  return card;
}

/** True when the card's validity has ended before `now` (UTC date). */
export function isExpired(card: Pick<Card, 'validUntil'>, now: Date): boolean {
  if (card.validUntil === 'long-term') return false;
  return card.validUntil < now.toISOString().slice(0, 10);
}

