import { createHash, randomBytes } from 'node:crypto';
import { maskIdNumber } from '../../idcard/id-number';
import { createAccessKey, isScheme, listAccessKeys, type AccessKeySummary, type NewAccessKey } from '../admin';
import type { Decision } from '../business/schemes';
import { materialsAad, objectAad } from '../context';
import { hashToken, type SecretBox } from '../crypto';
import { stsObjectKey } from '../images/resolve-image';
import type { Repository, Scheme } from '../repository/types';
import type { StoredMaterials } from '../actions/tickets';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords';
import { dailyStats } from './stats';
import type { ConsoleStore, TicketForRemoval } from './store';
import { can, type AccessLogEntry, type BizSettings, type DecidedTicket, type Permission, type RecordQuery, type RecordRow, type Role, type Source } from './types';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;
export const SESSION_MS = 8 * 3_600_000;

export interface ConsoleDeps {
  store: ConsoleStore;
  repo: Repository;
  /** Seals AccessKey secrets (keys created from the console). */
  secrets: SecretBox;
  /** Opens sealed materials and images. */
  biometrics: SecretBox;
  /** Keys the ID-number index (a keyed hash: the index alone does not reveal numbers). */
  tokenKey: Buffer;
  now: () => Date;
  random?: (n: number) => Buffer;
  /** Service-wide retention (days) for a biz without its own. */
  retentionDays: number;
  /** Fired after a reviewer decides a ticket; issue 15's callbacks connect here. Its failure never undoes the decision. */
  onTicketDecided?: (ticket: DecidedTicket) => void | Promise<void>;
  /** Minutes east of UTC for statistics days (Asia/Shanghai: 480). */
  utcOffsetMinutes?: number;
}

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Actor {
  user: string;
  role: Role;
}

export type LoginResult =
  | { ok: true; sessionId: string; csrf: string; user: string; role: Role; mustChange: boolean }
  | { ok: false; reason: 'invalid' | 'locked'; lockedUntil?: Date };

export interface RecordDetail extends RecordRow {
  name: string | null;
  images: string[];
  reviews: { reviewer: string; decision: 1 | 2; reason: string; at: string }[];
  /** What the submission carried as liveness evidence; API submissions carry none. */
  liveness: string | null;
}

/** The ID-number index key: a keyed hash of the upper-cased number. */
export function idNumberHash(tokenKey: Buffer, id: string): string {
  return hashToken(tokenKey, `id-number:${id.trim().toUpperCase()}`);
}

const CSV_COLUMNS = ['biz', 'ticketId', 'status', 'similarityScore', 'idNumber', 'source', 'createdAt', 'submittedAt', 'auditConclusions'] as const;

/** RFC 4180 field; a leading = + - @ is prefixed with ' so a spreadsheet does not run it as a formula. */
function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function recordsCsv(rows: readonly RecordRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [r.biz, r.ticketId, r.status, r.similarityScore, r.idMasked, r.source, r.createdAt.toISOString(), r.submittedAt?.toISOString() ?? '', r.auditConclusions].map(csvField).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The console's operations, each checking the actor's role and writing the access log for what
 * is sensitive (viewing a record or an image, exporting, deciding, deleting, managing keys).
 */
export class ConsoleService {
  private readonly random: (n: number) => Buffer;

  constructor(private readonly deps: ConsoleDeps) {
    this.random = deps.random ?? randomBytes;
  }

  private require(actor: Actor, permission: Permission): void {
    if (!can(actor.role, permission)) throw new ConsoleError(403, 'Forbidden', `The ${actor.role} role may not do this (${permission}); ask an admin.`);
  }

  private async log(actor: Actor | string, action: string, target: string, detail = ''): Promise<void> {
    await this.deps.store.logAccess({ at: this.deps.now(), user: typeof actor === 'string' ? actor : actor.user, action, target, detail });
  }

  // ---------- users and sessions ----------

  /** A new user with a one-time password (returned once; it must be changed at first login). */
  async createUser(name: string, role: Role, by = 'cli'): Promise<{ user: string; password: string }> {
    if (!/^[A-Za-z0-9._-]{2,64}$/.test(name)) throw new ConsoleError(400, 'InvalidUser', 'A user name is 2–64 letters, digits, dots, dashes or underscores.');
    const password = generatePassword(this.random);
    const created = await this.deps.store.createUser({ name, role, passwordHash: await hashPassword(password), mustChange: true, failedLogins: 0, lockedUntil: null, createdAt: this.deps.now() });
    if (!created) throw new ConsoleError(409, 'UserExists', `A user named ${name} exists already; pick another name.`);
    await this.log(by, 'users.create', name, role);
    return { user: name, password };
  }

  async listUsers(actor: Actor) {
    this.require(actor, 'users');
    return (await this.deps.store.listUsers()).map((u) => ({ name: u.name, role: u.role, mustChange: u.mustChange, locked: !!u.lockedUntil && u.lockedUntil > this.deps.now(), createdAt: u.createdAt.toISOString() }));
  }

  async unlockUser(name: string, by: string): Promise<boolean> {
    if (!(await this.deps.store.getUser(name))) return false;
    await this.deps.store.clearFailedLogins(name);
    await this.log(by, 'users.unlock', name);
    return true;
  }

  /** An admin creates a user from the console; the one-time password is shown to the admin once. */
  async createUserBy(actor: Actor, name: string, role: Role): Promise<{ user: string; password: string }> {
    this.require(actor, 'users');
    return this.createUser(name, role, actor.user);
  }

  async unlockUserBy(actor: Actor, name: string): Promise<boolean> {
    this.require(actor, 'users');
    return this.unlockUser(name, actor.user);
  }

  private sessionHash(id: string): string {
    return createHash('sha256').update(id).digest('base64url');
  }

  async login(name: string, password: string): Promise<LoginResult> {
    const now = this.deps.now();
    const user = await this.deps.store.getUser(name);
    if (!user) {
      // Spend the same time as for a real user, so a timing probe cannot list user names.
      await verifyPassword(password, 'scrypt$32768$8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
      return { ok: false, reason: 'invalid' };
    }
    // A locked account is refused even with the right password, until the lock runs out or an admin unlocks it.
    if (user.lockedUntil && user.lockedUntil > now) {
      await this.log(name, 'login.locked', name);
      return { ok: false, reason: 'locked', lockedUntil: user.lockedUntil };
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const count = await this.deps.store.recordFailedLogin(name, MAX_FAILED_LOGINS, new Date(now.getTime() + LOCKOUT_MS));
      await this.log(name, 'login.failed', name, `attempt ${count}`);
      if (count >= MAX_FAILED_LOGINS) {
        await this.log(name, 'login.lockout', name, `${MAX_FAILED_LOGINS} failed logins`);
        return { ok: false, reason: 'locked', lockedUntil: new Date(now.getTime() + LOCKOUT_MS) };
      }
      return { ok: false, reason: 'invalid' };
    }
    await this.deps.store.clearFailedLogins(name);
    const sessionId = this.random(32).toString('base64url');
    const csrf = this.random(24).toString('base64url');
    await this.deps.store.deleteExpiredSessions(now);
    await this.deps.store.createSession({ idHash: this.sessionHash(sessionId), user: name, csrf, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_MS) });
    await this.log(name, 'login', name);
    return { ok: true, sessionId, csrf, user: name, role: user.role, mustChange: user.mustChange };
  }

  /** The session's actor, or undefined when the cookie is unknown or expired. */
  async session(sessionId: string | undefined): Promise<(Actor & { csrf: string; mustChange: boolean }) | undefined> {
    if (!sessionId) return undefined;
    const s = await this.deps.store.getSession(this.sessionHash(sessionId));
    if (!s || s.expiresAt <= this.deps.now()) return undefined;
    const user = await this.deps.store.getUser(s.user);
    if (!user) return undefined;
    return { user: user.name, role: user.role, csrf: s.csrf, mustChange: user.mustChange };
  }

  async logout(sessionId: string): Promise<void> {
    await this.deps.store.deleteSession(this.sessionHash(sessionId));
  }

  async changePassword(actor: Actor, current: string, next: string, sessionId?: string): Promise<void> {
    const user = await this.deps.store.getUser(actor.user);
    if (!user || !(await verifyPassword(current, user.passwordHash))) throw new ConsoleError(400, 'WrongPassword', 'The current password is wrong; type the one you logged in with.');
    const problem = passwordProblem(next, actor.user);
    if (problem) throw new ConsoleError(400, 'WeakPassword', `The new password is not acceptable: ${problem}.`);
    if (next === current) throw new ConsoleError(400, 'WeakPassword', 'The new password must differ from the one-time password.');
    await this.deps.store.setPassword(actor.user, await hashPassword(next), false);
    // Whoever else held a session with the old password is logged out; this one stays.
    await this.deps.store.deleteSessionsOf(actor.user, sessionId ? this.sessionHash(sessionId) : undefined);
    await this.log(actor, 'password.change', actor.user);
  }

  // ---------- records ----------

  private idFilter(id: string | undefined): { idHash?: string; idMasked?: string } {
    if (!id) return {};
    const t = id.trim().toUpperCase();
    return t.includes('*') ? { idMasked: t } : { idHash: idNumberHash(this.deps.tokenKey, t) };
  }

  async search(actor: Actor, query: RecordQuery): Promise<RecordRow[]> {
    this.require(actor, 'records.read');
    const rows = await this.deps.store.searchRecords({ ...query, ...this.idFilter(query.id) });
    // A search by ID number is itself a look-up of a person; the number is logged masked.
    await this.log(actor, 'records.search', query.biz ?? '*', query.id ? `id ${safeMask(query.id)}` : `${rows.length} rows`);
    return rows;
  }

  private openMaterials(biz: string, ticketId: string, sealed: Buffer | null): StoredMaterials | null {
    return sealed ? (JSON.parse(this.deps.biometrics.open(sealed, materialsAad(biz, ticketId)).toString('utf8')) as StoredMaterials) : null;
  }

  async detail(actor: Actor, biz: string, ticketId: string): Promise<RecordDetail> {
    this.require(actor, 'records.read');
    const record = await this.deps.store.getRecord(biz, ticketId);
    if (!record) throw new ConsoleError(404, 'NotFound', 'No such ticket (it may have been deleted).');
    const materials = this.openMaterials(biz, ticketId, record.sealedMaterials);
    await this.log(actor, 'records.view', `${biz}/${ticketId}`);
    const { sealedMaterials: _sealed, ...row } = record;
    const showName = can(actor.role, 'records.images');
    return {
      ...row,
      name: materials?.Name ? (showName ? materials.Name : `${[...materials.Name][0]}*`) : null,
      images: can(actor.role, 'records.images') ? Object.keys(materials?.images ?? {}) : [],
      reviews: (await this.deps.store.reviewsOf(biz, ticketId)).map((r) => ({ reviewer: r.reviewer, decision: r.decision, reason: r.reason, at: r.at.toISOString() })),
      liveness: (materials as { liveness?: string } | null)?.liveness ?? null,
    };
  }

  async imageBytes(actor: Actor, biz: string, ticketId: string, type: string): Promise<Buffer> {
    this.require(actor, 'records.images');
    const record = await this.deps.store.getRecord(biz, ticketId);
    const key = this.openMaterials(biz, ticketId, record?.sealedMaterials ?? null)?.images[type];
    if (!key) throw new ConsoleError(404, 'NotFound', 'This image was not submitted, or was purged after the retention period.');
    const stored = await this.deps.repo.getObject(key);
    if (!stored) throw new ConsoleError(404, 'NotFound', 'This image was purged after the retention period.');
    await this.log(actor, 'records.image', `${biz}/${ticketId}`, type);
    return this.deps.biometrics.open(stored.sealed, objectAad(key));
  }

  async exportCsv(actor: Actor, query: RecordQuery): Promise<string> {
    this.require(actor, 'records.export');
    const rows = await this.deps.store.searchRecords({ ...query, ...this.idFilter(query.id) });
    await this.log(actor, 'records.export', query.biz ?? '*', `${rows.length} rows`);
    return recordsCsv(rows);
  }

  // ---------- review ----------

  async reviewQueue(actor: Actor): Promise<RecordRow[]> {
    this.require(actor, 'review');
    return (await this.deps.store.searchRecords({ status: 0, limit: 500 })).reverse();
  }

  async decide(actor: Actor, biz: string, ticketId: string, decision: 1 | 2, reason: string): Promise<void> {
    this.require(actor, 'review');
    const text = reason.trim();
    if (!text) throw new ConsoleError(400, 'ReasonRequired', 'Give a reason for the decision; it is kept with the ticket.');
    const conclusion = decision === 1 ? '' : text;
    const decided = await this.deps.store.decideTicket({ biz, ticketId, reviewer: actor.user, decision, reason: text, at: this.deps.now() }, conclusion);
    if (!decided) throw new ConsoleError(409, 'NotInReview', 'This ticket is no longer in review (someone decided it, or it was deleted); reload the queue.');
    await this.log(actor, decision === 1 ? 'review.approve' : 'review.reject', `${biz}/${ticketId}`, text);
    const record = await this.deps.store.getRecord(biz, ticketId);
    try {
      await this.deps.onTicketDecided?.({ biz, ticketId, status: decision, similarityScore: record?.similarityScore ?? null, auditConclusions: conclusion, decidedBy: 'review' });
    } catch {
      // The decision stands; the hook's owner (callbacks) retries and logs its own failures.
    }
  }

  // ---------- retention and deletion ----------

  private async objectsOf(t: TicketForRemoval): Promise<{ keys: string[]; prefixes: string[] }> {
    const materials = this.openMaterials(t.biz, t.ticketId, t.sealedMaterials);
    return { keys: Object.values(materials?.images ?? {}), prefixes: (await this.deps.store.uploadPathsOf(t.biz, t.ticketId)).map(stsObjectKey) };
  }

  /** Deletes a ticket and everything stored for it. */
  async deleteTicket(actor: Actor | string, biz: string, ticketId: string): Promise<{ objects: number; tokens: number } | undefined> {
    if (typeof actor !== 'string') this.require(actor, 'delete');
    const t = await this.deps.store.ticketForRemoval(biz, ticketId);
    if (!t) return undefined;
    const { keys, prefixes } = await this.objectsOf(t);
    const removed = await this.deps.store.removeTicket(biz, ticketId, keys, prefixes);
    await this.log(actor, 'records.delete', `${biz}/${ticketId}`, `${removed.objects} objects`);
    return removed;
  }

  /** Deletes every ticket of one ID number (the data subject's erasure request). */
  async deleteIdNumber(actor: Actor | string, id: string): Promise<{ tickets: number; objects: number }> {
    if (typeof actor !== 'string') this.require(actor, 'delete');
    const tickets = await this.deps.store.ticketsOfIdHash(idNumberHash(this.deps.tokenKey, id));
    let objects = 0;
    for (const t of tickets) objects += (await this.deleteTicket('system', t.biz, t.ticketId))?.objects ?? 0;
    await this.log(actor, 'records.delete-id', safeMask(id), `${tickets.length} tickets, ${objects} objects`);
    return { tickets: tickets.length, objects };
  }

  /** Per-biz retention: drops materials and images of each biz older than its setting. */
  async purge(): Promise<{ tickets: number; objects: number }> {
    const now = this.deps.now().getTime();
    let tickets = 0;
    let objects = 0;
    for (const { biz, retentionDays } of await this.deps.store.bizWithRetention()) {
      for (const t of await this.deps.store.expiredMaterials(biz, new Date(now - retentionDays * 86_400_000))) {
        const { keys, prefixes } = await this.objectsOf(t);
        objects += await this.deps.store.dropMaterials(t.biz, t.ticketId, keys, prefixes);
        tickets++;
      }
    }
    if (tickets) await this.log('system', 'retention.purge', '*', `${tickets} tickets, ${objects} objects`);
    return { tickets, objects };
  }

  // ---------- keys and scenarios ----------

  async createKey(actor: Actor): Promise<NewAccessKey> {
    this.require(actor, 'keys');
    const key = await createAccessKey(this.deps.repo, this.deps.secrets, this.deps.now());
    await this.log(actor, 'keys.create', key.AccessKeyId);
    return key;
  }

  async listKeys(actor: Actor): Promise<AccessKeySummary[]> {
    this.require(actor, 'keys');
    return listAccessKeys(this.deps.repo);
  }

  async revokeKey(actor: Actor, id: string): Promise<boolean> {
    this.require(actor, 'keys');
    const done = await this.deps.repo.revokeAccessKey(id, this.deps.now());
    if (done) await this.log(actor, 'keys.revoke', id);
    return done;
  }

  async listBiz(actor: Actor): Promise<(BizSettings & { scheme: Scheme; createdAt: string })[]> {
    this.require(actor, 'records.read');
    return Promise.all((await this.deps.repo.listBiz()).map(async (b) => ({ ...(await this.deps.store.getBizSettings(b.name)), scheme: b.scheme, createdAt: b.createdAt.toISOString() })));
  }

  async createBiz(actor: Actor, name: string, scheme: string, settings: Omit<BizSettings, 'biz'>): Promise<void> {
    this.require(actor, 'biz');
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ConsoleError(400, 'InvalidBiz', 'A biz name is 1–64 letters, digits, dots, dashes or underscores.');
    if (!isScheme(scheme)) throw new ConsoleError(400, 'InvalidScheme', `Unknown scheme ${scheme}.`);
    if (!(await this.deps.repo.createBiz({ name, scheme, createdAt: this.deps.now() }))) throw new ConsoleError(409, 'BizExists', `A biz named ${name} exists already; pick another name.`);
    await this.deps.store.setBizSettings({ biz: name, ...settings });
    await this.log(actor, 'biz.create', name, scheme);
  }

  async updateBizSettings(actor: Actor, name: string, settings: Omit<BizSettings, 'biz'>): Promise<void> {
    this.require(actor, 'biz');
    if (!(await this.deps.repo.getBiz(name))) throw new ConsoleError(404, 'NotFound', `No biz named ${name}.`);
    await this.deps.store.setBizSettings({ biz: name, ...settings });
    await this.log(actor, 'biz.settings', name, JSON.stringify(settings));
  }

  // ---------- statistics and the access log ----------

  async stats(actor: Actor, days: 7 | 30, biz?: string) {
    this.require(actor, 'stats');
    const now = this.deps.now();
    const rows = await this.deps.store.submissionsBetween(new Date(now.getTime() - (days + 1) * 86_400_000), new Date(now.getTime() + 1));
    return dailyStats(rows, { now, days, offsetMinutes: this.deps.utcOffsetMinutes ?? 480, biz });
  }

  async accessLog(actor: Actor, limit = 500): Promise<AccessLogEntry[]> {
    this.require(actor, 'access-log');
    return await this.deps.store.accessLog(limit);
  }

  // ---------- hooks into submissions ----------

  /** A biz's review band sends a score between its two thresholds to manual review. */
  async reviewRule(biz: string, decision: Decision): Promise<Decision> {
    const s = await this.deps.store.getBizSettings(biz);
    const score = decision.similarityScore;
    if (s.reviewLow === null || s.reviewHigh === null || score === null || decision.status === 0) return decision;
    if (score >= s.reviewLow && score < s.reviewHigh) return { status: 0, similarityScore: score, auditConclusions: '' };
    return decision;
  }

  /** Indexes a committed submission for search by ID number and source. */
  async submitted(biz: string, ticketId: string, idNumber: string | undefined, source: Source): Promise<void> {
    // The ticket's upload areas are recorded now: its tokens are purged a day after they expire, its images later.
    const uploadPaths = await this.deps.store.uploadPathsOf(biz, ticketId);
    await this.deps.store.indexTicket(biz, ticketId, idNumber ? idNumberHash(this.deps.tokenKey, idNumber) : null, idNumber ? safeMask(idNumber) : null, source, uploadPaths);
  }
}

/** maskIdNumber for anything typed into a box: never throws, never returns the input in clear. */
export function safeMask(id: string): string {
  const t = id.trim().toUpperCase();
  if (t.includes('*')) return t;
  return maskIdNumber(t);
}
