import { z } from 'zod';
import type { Repository } from '../repository/types';

/**
 * Per-biz settings added after the biz table: whether a passed kiosk verification may enroll the
 * chip photo as a reference. Off unless an operator turns it on: keeping a photo beyond the
 * verification is a decision of the service's owner, and then still needs the person's consent.
 */

const KIND = 'biz-settings';
const Settings = z.object({ enrollReferences: z.boolean().default(false) });
export type BizSettings = z.infer<typeof Settings>;

export async function bizSettings(repo: Repository, biz: string): Promise<BizSettings> {
  const record = await repo.getRecord(KIND, biz);
  // Settings are not personal data; they are stored as plain JSON inside the sealed column.
  return Settings.parse(record ? JSON.parse(record.sealed.toString('utf8')) : {});
}

export async function setBizSettings(repo: Repository, biz: string, settings: BizSettings, now: Date): Promise<void> {
  await repo.putRecord({ kind: KIND, id: biz, sealed: Buffer.from(JSON.stringify(Settings.parse(settings))), createdAt: now, expiresAt: null });
}
