import { z } from 'zod';
import { maskIdNumber } from '../../idcard/id-number';
import type { ServiceContext } from '../context';
import { bizSettings } from './biz-settings';
import { ReferenceStore } from './store';

/**
 * Enrollment from a kiosk's verification. The kiosk sends the person's consent with GetVerifyToken
 * (UserData.RenzhengEnrollConsent, a parameter the guide already has for the caller's own data);
 * the service records it against the token, and after SubmitMaterials keeps the chip photo (IDPic)
 * only when the biz allows enrollment, the person consented, and the verification passed.
 */

/** The UserData key a kiosk puts its enrollment consent under. */
export const ENROLL_CONSENT_KEY = 'RenzhengEnrollConsent';
const CONSENT_KIND = 'enroll-consent';

export const EnrollConsent = z.strictObject({
  /** Always true: a kiosk that did not get consent sends nothing. */
  consented: z.literal(true),
  /** When the person agreed on the consent screen (ISO 8601). */
  at: z.string().max(40),
  /** Which wording they agreed to (a version id of the consent text). */
  wording: z.string().min(1).max(200),
  /** The kiosk's name, recorded as the reference's source. */
  kiosk: z.string().min(1).max(100),
});
export type EnrollConsent = z.infer<typeof EnrollConsent>;

const consentAad = (tokenHash: string) => `enroll-consent:${tokenHash}`;

export function referenceStoreOf(ctx: ServiceContext): ReferenceStore {
  return new ReferenceStore({ repo: ctx.repo, biometrics: ctx.biometrics, indexKey: ctx.tokenKey, now: ctx.now, randomHex: ctx.randomHex, retentionDays: ctx.settings.referenceRetentionDays });
}

/** At GetVerifyToken: keeps a valid consent with the token (it expires with it); ignores anything else in UserData. */
export async function recordEnrollConsent(ctx: ServiceContext, tokenHash: string, userData: Record<string, unknown> | undefined, expiresAt: Date): Promise<void> {
  const raw = userData?.[ENROLL_CONSENT_KEY];
  if (raw === undefined) return;
  const consent = EnrollConsent.safeParse(typeof raw === 'string' ? safeJson(raw) : raw);
  // A malformed consent is no consent: the verification runs, nothing is kept.
  if (!consent.success) return;
  await ctx.repo.putRecord({ kind: CONSENT_KIND, id: tokenHash, sealed: ctx.biometrics.seal(Buffer.from(JSON.stringify(consent.data)), consentAad(tokenHash)), createdAt: ctx.now(), expiresAt });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * After a submission was committed: enrolls the chip photo when everything allows it. Never
 * changes the verdict; a failure here is logged by the caller and the verification stands.
 */
export async function enrollAfterSubmission(
  ctx: ServiceContext,
  input: { tokenHash: string; biz: string; status: number; materials: ReadonlyMap<string, string>; idPic: Buffer | undefined; idPicKey?: string },
): Promise<boolean> {
  const record = await ctx.repo.getRecord(CONSENT_KIND, input.tokenHash);
  if (!record) return false;
  // The consent is used once, whatever happens next.
  await ctx.repo.deleteRecord(CONSENT_KIND, input.tokenHash);
  // Only a pass shows that the person who consented is the card's holder; a failed face must not
  // let someone else enroll the holder's photo.
  if (input.status !== 1 || !input.idPic) return false;
  if (!(await bizSettings(ctx.repo, input.biz)).enrollReferences) return false;
  const consent = EnrollConsent.parse(JSON.parse(ctx.biometrics.open(record.sealed, consentAad(input.tokenHash)).toString('utf8')));
  const idNumber = input.materials.get('IdentificationNumber');
  const name = input.materials.get('Name');
  if (!idNumber || !name) return false;
  await referenceStoreOf(ctx).enroll({
    idNumber,
    name,
    photo: input.idPic,
    sourceKiosk: consent.kiosk,
    consent: { source: 'kiosk', at: consent.at, wording: consent.wording },
    // The ticket's own copy of the chip photo: deleting the reference deletes it too.
    copies: input.idPicKey ? [input.idPicKey] : [],
  });
  ctx.note({ enrolled: maskIdNumber(idNumber) });
  return true;
}
