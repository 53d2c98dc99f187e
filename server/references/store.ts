import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { maskIdNumber } from '../../idcard/id-number';
import type { SecretBox } from '../crypto';
import { REFERENCE_OBJECT_PREFIX, type Repository, type SealedRecord } from '../repository/types';

/**
 * The private authority registry: chip photos read by a kiosk from the person's own card (or added
 * by an operator), kept with the person's consent as the reference face_verify and the H5 page
 * compare against. Everything personal is sealed; the record id is a keyed hash of the ID number,
 * so the database alone does not say whose reference a row is.
 */

export const REFERENCE_KIND = 'reference';
/** How long a reference is kept unless the operator says otherwise (--reference-retention-days). */
export const DEFAULT_REFERENCE_RETENTION_DAYS = 365;

export const CARD_TYPES = ['resident', 'hkmotw', 'foreign2023', 'other'] as const;
export type CardType = (typeof CARD_TYPES)[number];

export const ConsentRecord = z.strictObject({
  /** Where the consent was given: a kiosk's consent screen, or an operator adding it with the person present. */
  source: z.enum(['kiosk', 'operator']),
  /** When the person agreed (ISO 8601). */
  at: z.string(),
  /** Version or text id of the wording the person saw, so what they agreed to can be shown later. */
  wording: z.string().max(200),
});
export type ConsentRecord = z.infer<typeof ConsentRecord>;

const ReferenceBody = z.strictObject({
  idNumber: z.string(),
  name: z.string(),
  cardType: z.enum(CARD_TYPES),
  enrolledAt: z.string(),
  sourceKiosk: z.string(),
  consent: ConsentRecord,
  photoKey: z.string(),
  /** Other stored objects holding the same photo (the enrolling ticket's IDPic), deleted with the reference. */
  copies: z.array(z.string()).default([]),
});
export type Reference = z.infer<typeof ReferenceBody>;

/** What `references list` shows: no photo, the ID number masked. */
export interface ReferenceSummary {
  idNumber: string;
  name: string;
  cardType: CardType;
  enrolledAt: string;
  sourceKiosk: string;
  consent: ConsentRecord;
  expiresAt: string | null;
}

export interface ReferenceStoreDeps {
  repo: Repository;
  biometrics: SecretBox;
  /** Keys the record id (the token-hashing key serves: both are one-way lookups). */
  indexKey: Buffer;
  now: () => Date;
  randomHex: (bytes: number) => string;
  retentionDays?: number;
}

const recordAad = (id: string) => `reference:${id}`;
const photoAad = (key: string) => `object:${key}`;

export function cardTypeOf(idNumber: string): CardType {
  if (/^9\d{17}$/.test(idNumber)) return 'foreign2023';
  if (/^8[123]\d{15}[\dX]$/i.test(idNumber)) return 'hkmotw';
  if (/^\d{17}[\dX]$/i.test(idNumber)) return 'resident';
  return 'other';
}

export class ReferenceStore {
  constructor(private readonly deps: ReferenceStoreDeps) {}

  /** The record id for an ID number; upper-cased so 11…x and 11…X are one person. */
  idOf(idNumber: string): string {
    return createHmac('sha256', this.deps.indexKey).update(`reference\n${idNumber.toUpperCase()}`, 'utf8').digest('base64url');
  }

  private open(record: SealedRecord): Reference {
    return ReferenceBody.parse(JSON.parse(this.deps.biometrics.open(record.sealed, recordAad(record.id)).toString('utf8')));
  }

  /** Adds or replaces the reference of this ID number; the previous photo is deleted with the old record. */
  async enroll(input: { idNumber: string; name: string; photo: Buffer; sourceKiosk: string; consent: ConsentRecord; cardType?: CardType; copies?: string[] }): Promise<Reference> {
    const now = this.deps.now();
    const id = this.idOf(input.idNumber);
    const previous = await this.deps.repo.getRecord(REFERENCE_KIND, id);
    const photoKey = `${REFERENCE_OBJECT_PREFIX}${this.deps.randomHex(16)}`;
    const reference: Reference = {
      idNumber: input.idNumber.toUpperCase(),
      name: input.name,
      cardType: input.cardType ?? cardTypeOf(input.idNumber),
      enrolledAt: now.toISOString(),
      sourceKiosk: input.sourceKiosk,
      consent: ConsentRecord.parse(input.consent),
      photoKey,
      copies: input.copies ?? [],
    };
    await this.deps.repo.putObject({ key: photoKey, sealed: this.deps.biometrics.seal(input.photo, photoAad(photoKey)), createdAt: now });
    const days = this.deps.retentionDays ?? DEFAULT_REFERENCE_RETENTION_DAYS;
    await this.deps.repo.putRecord({
      kind: REFERENCE_KIND,
      id,
      sealed: this.deps.biometrics.seal(Buffer.from(JSON.stringify(reference)), recordAad(id)),
      createdAt: now,
      expiresAt: new Date(now.getTime() + days * 86_400_000),
    });
    // Re-enrolment replaces the photo: the old one and its copies must not linger in the object store.
    if (previous) {
      const old = this.open(previous);
      // A record kind with no row: the call deletes only the named objects.
      await this.deps.repo.deleteRecord('reference-photo-orphan', id, [old.photoKey, ...old.copies].filter((key) => key !== photoKey && !reference.copies.includes(key)));
    }
    return reference;
  }

  /** The reference and its chip photo, or undefined when none is enrolled (or it expired). */
  async find(idNumber: string): Promise<{ reference: Reference; photo: Buffer } | undefined> {
    const record = await this.deps.repo.getRecord(REFERENCE_KIND, this.idOf(idNumber));
    if (!record || (record.expiresAt && record.expiresAt.getTime() <= this.deps.now().getTime())) return undefined;
    const reference = this.open(record);
    const object = await this.deps.repo.getObject(reference.photoKey);
    if (!object) return undefined;
    return { reference, photo: this.deps.biometrics.open(object.sealed, photoAad(reference.photoKey)) };
  }

  async list(): Promise<ReferenceSummary[]> {
    const records = await this.deps.repo.listRecords(REFERENCE_KIND);
    return records.map((record) => {
      const r = this.open(record);
      return { idNumber: maskIdNumber(r.idNumber), name: r.name, cardType: r.cardType, enrolledAt: r.enrolledAt, sourceKiosk: r.sourceKiosk, consent: r.consent, expiresAt: record.expiresAt?.toISOString() ?? null };
    });
  }

  /** Deletes the reference and its photo in one transaction; false when none was enrolled. */
  async delete(idNumber: string): Promise<boolean> {
    const id = this.idOf(idNumber);
    const record = await this.deps.repo.getRecord(REFERENCE_KIND, id);
    if (!record) return false;
    const reference = this.open(record);
    return this.deps.repo.deleteRecord(REFERENCE_KIND, id, [reference.photoKey, ...reference.copies]);
  }

  /** Deletes references past their retention, photos included; returns how many. */
  async purge(): Promise<number> {
    const expired = await this.deps.repo.expiredRecords(REFERENCE_KIND, this.deps.now());
    let count = 0;
    for (const record of expired) {
      let keys: string[] = [];
      try {
        const reference = this.open(record);
        keys = [reference.photoKey, ...reference.copies];
      } catch {
        // A record that no longer opens (key rotated) is still deleted; its photo is unreachable anyway.
      }
      if (await this.deps.repo.deleteRecord(REFERENCE_KIND, record.id, keys)) count++;
    }
    return count;
  }
}
