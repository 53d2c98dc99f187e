import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../support/postgres';
import { CloudauthClient, toBase64Value } from '../../../cloudauth';
import type { DecidedTicket } from '../../../server/console/types';
import { fakeImage } from '../support/fake-face';
import { startTestServer, type TestServer } from '../support/harness';
import { ConsoleClient, consoleUser, ID, OTHER_ID, submitTicket } from '../support/console';

// Started while the file is collected, so the PostgreSQL run can be skipped with its reason.
const pgHandle = await startPostgres();
if (!pgHandle.ok) console.warn(`PostgreSQL console tests skipped: ${pgHandle.reason}`);
afterAll(async () => {
  if (pgHandle.ok) await pgHandle.stop();
});
const STORES: [string, (() => Promise<string>) | undefined][] = [['SQLite', undefined], ...(pgHandle.ok ? [['PostgreSQL', () => pgHandle.newDatabase()] as [string, () => Promise<string>]] : [])];

describe.each(STORES)('the console on %s', (_store, newDatabase) => {
let dbUrl: string | undefined;
let t: TestServer;
const decided: DecidedTicket[] = [];
let admin: ConsoleClient;
beforeAll(async () => {
  dbUrl = await newDatabase?.();
  t = await startTestServer({ dbUrl, onTicketDecided: (ticket) => void decided.push(ticket) });
  await t.createBiz('ManualBiz', 'RPManual');
  await t.createBiz('BasicBiz', 'RPBasic');
  admin = await consoleUser(t, 'alice', 'admin');
});
afterAll(() => t.close());

/** Every row of the service's and the console's tables except the logs that must grow. */
type Tables = 'tickets' | 'verify_tokens' | 'objects' | 'console_ticket_index' | 'console_reviews';
const TABLES = ['tickets', 'verify_tokens', 'objects', 'console_ticket_index', 'console_reviews'] as const;
/** Every row of the service's and the console's tables except the logs that must grow, numbers normalised. */
async function dump(): Promise<Record<Tables, unknown[]>> {
  const out = {} as Record<Tables, unknown[]>;
  const norm = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])));
  if (dbUrl) {
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      for (const table of TABLES) out[table] = norm((await client.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows);
    } finally {
      await client.end();
    }
    return out;
  }
  const db = new Database(join(t.dataDir, 'renzheng-server.db'), { readonly: true });
  try {
    for (const table of TABLES) out[table] = norm(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all() as Record<string, unknown>[]);
    return out;
  } finally {
    db.close();
  }
}

describe('console sessions', () => {
  it('requires changing the one-time password before anything else', async () => {
    const created = await t.server.console.createUser('bob', 'auditor');
    expect(created.password).toMatch(/^[A-Za-z0-9]{16}$/);
    const c = new ConsoleClient(t.url);
    const login = await c.login('bob', created.password);
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({ user: 'bob', role: 'auditor', mustChange: true });
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect((await c.get('/console/api/records')).json.error.code).toBe('PasswordChangeRequired');
    expect((await c.post('/console/api/password', { current: created.password, next: 'short' })).json.error.code).toBe('WeakPassword');
    const other = new ConsoleClient(t.url);
    await other.login('bob', created.password);
    expect((await c.post('/console/api/password', { current: created.password, next: 'a much better password' })).status).toBe(200);
    expect((await c.get('/console/api/records')).status).toBe(200);
    // A session opened with the old password ends with it.
    expect((await other.get('/console/api/session')).status).toBe(401);
  });

  it('locks an account after five wrong passwords, even for the right one', async () => {
    const created = await t.server.console.createUser('mallory', 'reviewer');
    const c = new ConsoleClient(t.url);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await c.login('mallory', 'wrong password')).status);
    expect(codes).toEqual([401, 401, 401, 401, 423]);
    const locked = await c.login('mallory', created.password);
    expect(locked.status).toBe(423);
    expect(locked.json.error.message).toContain('locked');
  });

  it('answers a malformed body with the console JSON error', async () => {
    const r = await admin.request('POST', '/console/api/keys', undefined, { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    const bad = await fetch(`${t.url}/console/api/login`, { method: 'POST', headers: { origin: t.url, 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('InvalidRequest');
  });

  it('refuses a post from another origin, one without the CSRF token, and an AccessKey without a session', async () => {
    const evil = new ConsoleClient(t.url, 'http://evil.example');
    evil.cookie = admin.cookie;
    evil.csrf = admin.csrf;
    expect((await evil.post('/console/api/keys')).json.error.code).toBe('CrossSiteRequest');
    const noToken = new ConsoleClient(t.url);
    noToken.cookie = admin.cookie;
    expect((await noToken.post('/console/api/keys')).json.error.code).toBe('CsrfTokenInvalid');
    // A form post from another site: no cookie reaches us (SameSite=Strict), and it is not JSON anyway.
    const form = await fetch(`${t.url}/console/api/delete/id-number`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: `id=${ID}` });
    expect(form.status).toBe(401);
    const withKey = await fetch(`${t.url}/console/api/records?AccessKeyId=${t.key.AccessKeyId}`, { headers: { authorization: `Bearer ${t.key.AccessKeySecret}` } });
    expect(withKey.status).toBe(401);
  });
});

describe('records, review and deletion', () => {
  it('finds a ticket by ID number and shows it, writing the view to the access log', async () => {
    await submitTicket(t, 'BasicBiz', 'rec-1', { id: OTHER_ID });
    const rows = (await admin.get(`/console/api/records?id=${OTHER_ID}`)).json.rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ biz: 'BasicBiz', ticketId: 'rec-1', status: 1, idMasked: '110101********4477', source: 'api' });
    expect((await admin.get('/console/api/records?id=110101********4477')).json.rows).toHaveLength(1);
    const detail = (await admin.get('/console/api/records/BasicBiz/rec-1')).json;
    expect(detail).toMatchObject({ name: '张三', images: expect.arrayContaining(['FacePic', 'IdCardFrontPic']) });
    const image = await admin.request('GET', '/console/api/records/BasicBiz/rec-1/images/FacePic');
    expect(image.text).toBe(fakeImage('zhang').toString());
    const log = (await admin.get('/console/api/access-log')).json.entries as { action: string; target: string; user: string; detail: string }[];
    expect(log.some((e) => e.action === 'records.view' && e.target === 'BasicBiz/rec-1' && e.user === 'alice')).toBe(true);
    expect(log.some((e) => e.action === 'records.image' && e.detail === 'FacePic')).toBe(true);
    expect(JSON.stringify(log)).not.toContain(OTHER_ID);
  });

  it('lists a kiosk submission under source kiosk (the kiosk client marks itself)', async () => {
    const kiosk = new CloudauthClient({ endpoint: t.url, accessKeyId: t.key.AccessKeyId, accessKeySecret: t.key.AccessKeySecret, clientTag: 'kiosk', retry: { maxAttempts: 1 } });
    await kiosk.submitVerification({
      Biz: 'RPMinBiz',
      TicketId: 'kiosk-1',
      Material: [
        { MaterialType: 'Name', Value: '张三' },
        { MaterialType: 'IdentificationNumber', Value: OTHER_ID },
        { MaterialType: 'FacePic', Value: toBase64Value(fakeImage('zhang')) },
        { MaterialType: 'IDPic', Value: toBase64Value(fakeImage('zhang')) },
      ],
    });
    const rows = (await admin.get('/console/api/records?source=kiosk')).json.rows;
    expect(rows.map((r: { ticketId: string }) => r.ticketId)).toEqual(['kiosk-1']);
    await t.server.console.deleteTicket('test', 'RPMinBiz', 'kiosk-1');
  });

  it('exports the search as CSV with masked ID numbers', async () => {
    const csv = (await admin.get('/console/api/records.csv?biz=BasicBiz')).text;
    expect(csv).toContain('110101********4477');
    expect(csv).not.toContain(OTHER_ID);
    expect(csv.split('\r\n')[0]).toContain('biz,ticketId,status');
  });

  it('queues an RPManual ticket; a reviewer approves it, GetStatus answers 1 and the decided hook fires', async () => {
    const submitted = await submitTicket(t, 'ManualBiz', 'man-1');
    expect(submitted.Data.VerifyStatus.StatusCode).toBe(0);
    const reviewer = await consoleUser(t, 'rita', 'reviewer');
    expect((await reviewer.get('/console/api/review')).json.rows.map((r: { ticketId: string }) => r.ticketId)).toContain('man-1');
    expect((await reviewer.post('/console/api/review/ManualBiz/man-1', { decision: 1, reason: '' })).json.error.code).toBe('ReasonRequired');
    expect((await reviewer.post('/console/api/review/ManualBiz/man-1', { decision: 1, reason: '人像与证件照一致' })).status).toBe(200);
    expect((await t.client().getStatus({ Biz: 'ManualBiz', TicketId: 'man-1' })).Data.StatusCode).toBe(1);
    expect(decided).toContainEqual(expect.objectContaining({ biz: 'ManualBiz', ticketId: 'man-1', status: 1 }));
    expect((await reviewer.post('/console/api/review/ManualBiz/man-1', { decision: 2, reason: 'again' })).json.error.code).toBe('NotInReview');
    const log = (await admin.get('/console/api/access-log')).json.entries as { action: string; user: string }[];
    expect(log.some((e) => e.action === 'review.approve' && e.user === 'rita')).toBe(true);
  });

  it('sends a score inside the biz review band to review', async () => {
    await admin.post('/console/api/biz', { name: 'BandBiz', scheme: 'RPBasic', settings: { retentionDays: null, reviewLow: 10, reviewHigh: 30 } });
    const low = await submitTicket(t, 'BandBiz', 'band-1', { face: 'li', card: 'wang' }); // fake engine: 20.5
    expect(low.Data.VerifyStatus.StatusCode).toBe(0);
    const high = await submitTicket(t, 'BandBiz', 'band-2');
    expect(high.Data.VerifyStatus.StatusCode).toBe(1);
  });

  it('does not let a reviewer or an auditor manage keys, and shows an admin the new secret once', async () => {
    const reviewer = await consoleUser(t, 'rolf', 'reviewer');
    expect((await reviewer.post('/console/api/keys')).status).toBe(403);
    expect((await reviewer.get('/console/api/keys')).status).toBe(403);
    const created = (await admin.post('/console/api/keys')).json;
    expect(created.AccessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    const listed = (await admin.get('/console/api/keys')).json.keys;
    expect(JSON.stringify(listed)).not.toContain(created.AccessKeySecret);
    expect((await admin.post(`/console/api/keys/${created.AccessKeyId}/revoke`)).status).toBe(200);
  });

  it('deletes everything of one ID number and leaves nothing behind', async () => {
    const before = await dump();
    // Two tickets of ID: one by SubmitVerification, one through a token with a Binding and an STS upload.
    await submitTicket(t, 'BasicBiz', 'del-1');
    const client = t.client();
    const token = await client.getVerifyToken({ Biz: 'RPMinBiz', TicketId: 'del-2', Binding: { Name: '张三', IdentificationNumber: ID } });
    const sts = token.Data.StsToken!;
    const put = await fetch(`${sts.EndPoint}/${sts.BucketName}/${sts.Path}face.jpg`, { method: 'PUT', headers: { 'x-oss-security-token': sts.Token }, body: fakeImage('zhang') });
    expect(put.status).toBe(200);
    await client.submitMaterials({ VerifyToken: token.Data.VerifyToken.Token, Material: [{ MaterialType: 'FacePic', Value: `oss://${sts.BucketName}:${sts.Path}face.jpg` }, { MaterialType: 'IDPic', Value: toBase64Value(fakeImage('zhang')) }] });
    expect((await dump()).objects.length).toBeGreaterThan(before.objects.length);
    // Tokens go a day after they expire; the upload they unlocked must still be found and deleted.
    await t.server.repo.purge({ biometricsBefore: new Date(0), now: new Date(Date.now() + 3 * 86_400_000) });
    expect((await dump()).verify_tokens).toEqual([]);

    const reviewer = await consoleUser(t, 'ruth', 'reviewer');
    expect((await reviewer.post('/console/api/delete/id-number', { id: ID })).status).toBe(403);
    const removed = (await admin.post('/console/api/delete/id-number', { id: ID })).json;
    // del-1 and del-2, and the earlier tickets of the same number (man-1, band-1, band-2).
    expect(removed.tickets).toBe(5);
    const after = await dump();
    const earlier = ['man-1', 'band-1', 'band-2'];
    const keep = (rows: unknown[]) => rows.filter((r) => !earlier.includes((r as { ticket_id: string }).ticket_id));
    // No object is left that was not there before; the earlier three tickets' three images each are gone too.
    const beforeKeys = new Set(before.objects.map((o) => (o as { key: string }).key));
    expect(after.objects.every((o) => beforeKeys.has((o as { key: string }).key))).toBe(true);
    expect(after.objects.length).toBe(before.objects.length - 9);
    expect(after.tickets).toEqual(keep(before.tickets));
    expect(after.verify_tokens).toEqual(keep(before.verify_tokens));
    expect(after.console_ticket_index).toEqual(keep(before.console_ticket_index));
    expect((await admin.get(`/console/api/records?id=${ID}`)).json.rows).toEqual([]);
    expect((await t.client().getStatus({ Biz: 'BasicBiz', TicketId: 'del-1' })).Data.StatusCode).toBe(-1);
  });

  it('purges a biz past its own retention days, keeping the verdict', async () => {
    await admin.post('/console/api/biz', { name: 'ShortBiz', scheme: 'RPBasic', settings: { retentionDays: 1, reviewLow: null, reviewHigh: null } });
    await submitTicket(t, 'ShortBiz', 'short-1', { id: OTHER_ID });
    const objects = (await dump()).objects.length;
    t.clockOffsetMs = 2 * 86_400_000;
    try {
      expect(await t.server.console.purge()).toEqual({ tickets: 1, objects: 3 });
    } finally {
      t.clockOffsetMs = 0;
    }
    expect((await dump()).objects.length).toBe(objects - 3);
    const detail = (await admin.get('/console/api/records/ShortBiz/short-1')).json;
    expect(detail).toMatchObject({ status: 1, hasMaterials: false, images: [] });
  });

  it('counts verifications per day and biz', async () => {
    const stats = (await admin.get('/console/api/stats?days=7')).json;
    expect(stats.days).toHaveLength(7);
    const total = stats.totals.find((r: { biz: string }) => r.biz === '*');
    expect(total.verifications).toBeGreaterThan(0);
    expect(total.pass + total.fail + total.review).toBe(total.verifications);
  });
});
});
