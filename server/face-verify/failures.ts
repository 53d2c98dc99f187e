import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { ServiceContext } from '../context';

/**
 * Z1114 (刷脸失败次数过多): failed face comparisons per ID number in a sliding window. Someone
 * trying faces against another person's reference is stopped after a few tries; the count is
 * kept under a keyed hash of the ID number and forgotten when the window ends.
 */

/** The ticket biz of face_verify sessions (not a biz a caller can create: it has a character names cannot). */
export const FACE_VERIFY_BIZ = '@face_verify';
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 24 * 3_600_000;
const KIND = 'fv-failures';
const Count = z.object({ count: z.number().int(), since: z.number() });

const idOf = (ctx: ServiceContext, idNumber: string) => createHmac('sha256', ctx.tokenKey).update(`fv-failures\n${idNumber.toUpperCase()}`).digest('base64url');

async function read(ctx: ServiceContext, idNumber: string): Promise<z.infer<typeof Count> | undefined> {
  const record = await ctx.repo.getRecord(KIND, idOf(ctx, idNumber));
  if (!record || (record.expiresAt && record.expiresAt.getTime() <= ctx.now().getTime())) return undefined;
  return Count.parse(JSON.parse(record.sealed.toString('utf8')));
}

export async function tooManyFailures(ctx: ServiceContext, idNumber: string): Promise<boolean> {
  return ((await read(ctx, idNumber))?.count ?? 0) >= MAX_FAILURES;
}

export async function recordFailure(ctx: ServiceContext, idNumber: string): Promise<void> {
  const now = ctx.now().getTime();
  const current = (await read(ctx, idNumber)) ?? { count: 0, since: now };
  const next = { count: current.count + 1, since: current.since };
  // Counts only, no personal data: stored as JSON; the window starts at the first failure.
  await ctx.repo.putRecord({ kind: KIND, id: idOf(ctx, idNumber), sealed: Buffer.from(JSON.stringify(next)), createdAt: new Date(now), expiresAt: new Date(current.since + FAILURE_WINDOW_MS) });
}
