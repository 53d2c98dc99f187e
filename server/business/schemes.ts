import { validateIdNumber } from '../../idcard/id-number';
import type { Scheme } from '../repository/types';

/**
 * What each verification scheme needs and how it is decided here. The hosted service compares
 * faces against the public-security photo database; this service has none, so the reference
 * photo is one the caller provides (chip photo IDPic, card photo IdCardFrontPic, or a retained
 * face for FVBioOnly). Without one, the submission waits for review (status 0).
 */

export const IMAGE_MATERIALS = ['FacePic', 'IDPic', 'IdCardFrontPic', 'IdCardBackPic', 'FaceRetainedPic'] as const;
export type ImageMaterial = (typeof IMAGE_MATERIALS)[number];
export type TextMaterial = 'Name' | 'IdentificationNumber' | 'Mobile';
export type MaterialName = ImageMaterial | TextMaterial;

export interface SchemeRule {
  /** Every entry must be present; an array entry means any one of those. */
  required: readonly (MaterialName | readonly MaterialName[])[];
  /** References for the face comparison, best first. */
  references: readonly ImageMaterial[];
  /** Decided by a person in the console (RPManual): automatic checks run, the status stays 0. */
  manual: boolean;
}

const CARD_REFERENCES = ['IDPic', 'IdCardFrontPic'] as const;

export const SCHEME_RULES: Readonly<Record<Scheme, SchemeRule>> = {
  // Server-only (纯服务端): name, number and a face photo; here also a photo to compare it with.
  RPMin: { required: ['Name', 'IdentificationNumber', 'FacePic', CARD_REFERENCES], references: CARD_REFERENCES, manual: false },
  // SDK schemes that photograph both sides of the card.
  RPBasic: { required: ['Name', 'IdentificationNumber', 'FacePic', 'IdCardFrontPic', 'IdCardBackPic'], references: CARD_REFERENCES, manual: false },
  RPManual: { required: ['Name', 'IdentificationNumber', 'FacePic', 'IdCardFrontPic', 'IdCardBackPic'], references: CARD_REFERENCES, manual: true },
  // RPBioID reads name and number from the card by OCR, which this service does not have, so they are required.
  RPBioID: { required: ['Name', 'IdentificationNumber', 'FacePic', 'IdCardFrontPic', 'IdCardBackPic'], references: CARD_REFERENCES, manual: false },
  // Bio-only schemes compare with the authority's photo; a caller-provided reference is used when given.
  RPBioOnlyPro: { required: ['Name', 'IdentificationNumber', 'FacePic'], references: CARD_REFERENCES, manual: false },
  RPBioOnly: { required: ['Name', 'IdentificationNumber', 'FacePic'], references: CARD_REFERENCES, manual: false },
  RPH5BioOnly: { required: ['Name', 'IdentificationNumber', 'FacePic'], references: CARD_REFERENCES, manual: false },
  // Face verification: the live face against the face retained at GetVerifyToken (Binding.FaceRetainedPic).
  FVBioOnly: { required: ['FacePic', 'FaceRetainedPic'], references: ['FaceRetainedPic'], manual: false },
};

/** The required materials that are missing, by name (an any-of group is named "A|B"). */
export function missingMaterials(scheme: Scheme, present: ReadonlySet<string>): string[] {
  return SCHEME_RULES[scheme].required.flatMap((need) => {
    if (typeof need === 'string') return present.has(need) ? [] : [need];
    return need.some((n) => present.has(n)) ? [] : [need.join('|')];
  });
}

/** The reference image to compare the face with, or undefined when none was given. */
export function referenceFor(scheme: Scheme, present: ReadonlySet<string>): ImageMaterial | undefined {
  return SCHEME_RULES[scheme].references.find((r) => present.has(r));
}

/** Why an ID number is not valid, or undefined when it is (resident, HK/MO/TW permit or 2023 foreign permit). */
export function idNumberProblem(id: string): string | undefined {
  const kind = id.startsWith('9') ? 'foreign2023' : /^8[123]/.test(id) ? 'hkmotw' : 'resident';
  try {
    validateIdNumber(id.toUpperCase(), kind);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'invalid';
  }
}

export type FaceOutcome =
  | { kind: 'compared'; score: number; threshold: number }
  | { kind: 'no-face' }
  | { kind: 'no-reference' };

export interface Decision {
  status: 0 | 1 | 2;
  similarityScore: number | null;
  auditConclusions: string;
}

// The guide's AuditConclusions are Chinese sentences for the end user; ours follow suit.
export const CONCLUSIONS = {
  idNumber: '身份证号码无效，请核对后重新提交。',
  noFace: '未检测到人脸，请提交清晰的正面人像照。',
  mismatch: '人像照与证件照不是同一人。',
} as const;

/** The verdict of one submission (pure): ID number first, then the face. */
export function decide(scheme: Scheme, idProblem: string | undefined, face: FaceOutcome): Decision {
  if (idProblem) return { status: 2, similarityScore: null, auditConclusions: CONCLUSIONS.idNumber };
  if (face.kind === 'no-face') return { status: 2, similarityScore: null, auditConclusions: CONCLUSIONS.noFace };
  if (face.kind === 'no-reference') return { status: 0, similarityScore: null, auditConclusions: '' };
  if (SCHEME_RULES[scheme].manual) return { status: 0, similarityScore: face.score, auditConclusions: '' };
  const pass = face.score >= face.threshold;
  return { status: pass ? 1 : 2, similarityScore: face.score, auditConclusions: pass ? '' : CONCLUSIONS.mismatch };
}
