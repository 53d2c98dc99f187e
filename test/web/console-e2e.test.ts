import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { toBase64Value } from '../../cloudauth';
import type { FaceBackend } from '../../server/face-pool';
import { captureIo } from '../cloudauth/support/cli-io';
import { NEW_PASSWORD } from '../server/support/console';
import { fakeFace } from '../server/support/fake-face';
import { startTestServer, type TestServer } from '../server/support/harness';
import { screenshot } from '../support/screenshots';
import { chromiumPath, launchChromium } from '../support/chromium';
import { repoRoot } from '../support/test-kiosk';

// The console in Chromium against the service, with real face photos (so the review screen shows
// faces) and a stand-in engine that knows which fixture shows whom: vlado and vlado1 are one man.
const photo = (name: string) => readFileSync(join(repoRoot, 'test/fixtures/faces', name));
const VLADO = photo('person-vlado.jpg');
const VLADO1 = photo('person-vlado1.jpg');
const LINDA = photo('person-linda.jpg');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const WHO = new Map([[sha(VLADO), 'vlado'], [sha(VLADO1), 'vlado'], [sha(LINDA), 'linda']]);

function photoFace(): FaceBackend {
  const base = fakeFace();
  return {
    ...base,
    async compare(source, target) {
      const same = WHO.get(sha(source)) !== undefined && WHO.get(sha(source)) === WHO.get(sha(target));
      return { SimilarityScore: same ? 92.4 : 18.3, ConfidenceThresholds: { '0.0001': 90.07, '0.001': 80.01, '0.01': 70.02 } };
    },
  };
}

const ID = '11010519491231002X';
const OTHER_ID = '110101199003074477';

describe.skipIf(!chromiumPath)('the service console in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let evil: Server;
  let adminPassword: string;

  const shot = (page: Page, name: string) => screenshot(page, `console-${name}`, { fullPage: true });

  async function submit(biz: string, ticketId: string, id: string, face: Buffer, card: Buffer) {
    return t.client().submitVerification({
      Biz: biz,
      TicketId: ticketId,
      Material: [
        { MaterialType: 'Name', Value: '张三' },
        { MaterialType: 'IdentificationNumber', Value: id },
        { MaterialType: 'FacePic', Value: toBase64Value(face) },
        { MaterialType: 'IdCardFrontPic', Value: toBase64Value(card) },
        { MaterialType: 'IdCardBackPic', Value: toBase64Value(card) },
      ],
    });
  }

  function count(sql: string, ...args: unknown[]): number {
    const db = new Database(join(t.dataDir, 'renzheng-server.db'), { readonly: true });
    try {
      return (db.prepare(sql).get(...args) as { n: number }).n;
    } finally {
      db.close();
    }
  }

  async function logIn(context: BrowserContext, user: string, password: string, change?: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${t.url}/console/`);
    await page.fill('input[name=user]', user);
    await page.fill('input[name=password]', password);
    await page.keyboard.press('Enter');
    if (change) {
      await page.waitForSelector('[data-screen=password]');
      await page.fill('input[name=current]', password);
      await page.fill('input[name=next]', change);
      await page.keyboard.press('Enter');
    }
    await page.waitForSelector('main[data-screen=records] [data-results] table, main[data-screen=records] [data-empty]');
    return page;
  }

  beforeAll(async () => {
    t = await startTestServer({ face: photoFace() });
    await t.createBiz('CounterBiz', 'RPBasic');
    await t.createBiz('ManualBiz', 'RPManual');
    await submit('CounterBiz', 'counter-1', OTHER_ID, VLADO1, VLADO);
    await submit('CounterBiz', 'counter-2', OTHER_ID, LINDA, VLADO);
    await submit('ManualBiz', 'manual-1', ID, VLADO1, VLADO);
    await submit('CounterBiz', 'counter-3', ID, VLADO, VLADO1);
    // The admin is created the way an operator would: the CLI, whose last line holds the one-time password.
    const cap = captureIo(t.env);
    expect(await runCli(['server', 'users', 'create', '--data', t.dataDir, '--user', 'admin', '--role', 'admin'], cap.io)).toBe(0);
    adminPassword = (JSON.parse(cap.stdout().trim().split('\n').at(-1)!) as { password: string }).password;
    browser = await launchChromium();
    // Another site on loopback whose page posts a form at the console.
    evil = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><form id=f method=POST action="${t.url}/console/api/delete/id-number"><input name=id value="${OTHER_ID}"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    evil?.close();
    await t?.close();
  });

  it('logs in with the one-time password, forces a new one, searches, opens a record and finds the view in the access log', async () => {
    const context = await browser.newContext({ acceptDownloads: true, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${t.url}/console/`);
    await page.waitForSelector('[data-screen=login]');
    await shot(page, 'login');
    await page.fill('input[name=user]', 'admin');
    await page.fill('input[name=password]', adminPassword);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-screen=password]');
    await shot(page, 'password-change');
    await page.fill('input[name=current]', adminPassword);
    await page.fill('input[name=next]', NEW_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-screen=records] table[data-table=records]');
    expect(await page.locator('tr[data-ticket]').count()).toBe(4);

    await page.fill('input[name=id]', OTHER_ID);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-ticket]').length === 2);
    await shot(page, 'records');
    const masked = await page.locator('tr[data-ticket=counter-1] td').nth(4).textContent();
    expect(masked).toBe('110101********4477');

    // CSV export of the search: masked ID numbers only.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('counter-1');
    expect(csv).toContain('110101********4477');
    expect(csv).not.toContain(OTHER_ID);

    await page.click('[data-open=counter-1]');
    await page.waitForSelector('[data-detail=counter-1]');
    await page.waitForFunction(() => [...document.querySelectorAll('main img')].every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
    await shot(page, 'record-detail');

    await page.click('[data-nav=access-log]');
    await page.waitForSelector('table[data-table=access-log]');
    const log = await page.locator('table[data-table=access-log]').textContent();
    expect(log).toContain('records.view');
    expect(log).toContain('CounterBiz/counter-1');
    expect(log).toContain('records.image');
    expect(log).not.toContain(OTHER_ID);
    await shot(page, 'access-log');

    await page.click('[data-nav=stats]');
    await page.waitForSelector('svg[data-chart=daily] rect');
    await shot(page, 'statistics');
    await context.close();
  });

  it('reviews an RPManual ticket side by side; GetStatus changes from 0 to 1', async () => {
    expect((await t.client().getStatus({ Biz: 'ManualBiz', TicketId: 'manual-1' })).Data.StatusCode).toBe(0);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await logIn(context, 'admin', NEW_PASSWORD);
    await page.click('[data-nav=review]');
    await page.waitForSelector('[data-open=manual-1]');
    await shot(page, 'review-queue');
    await page.click('[data-open=manual-1]');
    await page.waitForSelector('[data-review=manual-1] img');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-review] img')].every((i) => (i as HTMLImageElement).naturalWidth > 0));
    expect(await page.locator('[data-review=manual-1] img').count()).toBe(2);
    await page.fill('textarea[name=reason]', 'Same person as the ID photo');
    await shot(page, 'review-decision');
    // Keyboard only: tab to Approve and press Enter.
    await page.focus('textarea[name=reason]');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-empty]');
    expect((await t.client().getStatus({ Biz: 'ManualBiz', TicketId: 'manual-1' })).Data.StatusCode).toBe(1);
    await context.close();
  });

  it('creates an AccessKey (secret shown once) and a scenario from the console; a reviewer cannot manage keys', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await logIn(context, 'admin', NEW_PASSWORD);
    await page.click('[data-nav=keys]');
    await page.click('[data-action=create-key]');
    await page.waitForSelector('[data-secret] .secret');
    expect(await page.locator('[data-secret] .secret').textContent()).toMatch(/AccessKeySecret: [A-Za-z0-9]{30}/);
    await shot(page, 'key-created');
    await page.fill('[data-form=biz] input[name=name]', 'HotelBiz');
    await page.selectOption('[data-form=biz] select[name=scheme]', 'RPMin');
    await page.fill('[data-form=biz] input[name=retentionDays]', '7');
    await page.fill('[data-form=biz] input[name=reviewLow]', '60');
    await page.fill('[data-form=biz] input[name=reviewHigh]', '75');
    await page.click('[data-form=biz] button[type=submit]');
    await page.waitForSelector('table[data-table=biz] >> text=HotelBiz');
    await shot(page, 'keys-and-scenarios');
    await context.close();

    await t.server.console.createUser('rita', 'reviewer').then(async ({ password }) => {
      const rc = await browser.newContext({ locale: 'en-US' });
      const rp = await logIn(rc, 'rita', password, NEW_PASSWORD);
      expect(await rp.locator('[data-nav=keys]').count()).toBe(0);
      expect(await rp.locator('[data-nav=erase]').count()).toBe(0);
      await shot(rp, 'reviewer-records');
      // Not only hidden: the API refuses the reviewer too.
      const status = await rp.evaluate(async () => {
        const session = await (await fetch('/console/api/session')).json();
        const r = await fetch('/console/api/keys', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf }, body: '{}' });
        return r.status;
      });
      expect(status).toBe(403);
      await rc.close();
    });
  });

  it('locks an account after five wrong passwords', async () => {
    const { password } = await t.server.console.createUser('walter', 'auditor');
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${t.url}/console/`);
    const attempt = async (pw: string) => {
      await page.fill('input[name=user]', 'walter');
      await page.fill('input[name=password]', pw);
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/console/api/login')), page.keyboard.press('Enter')]);
      return response.status();
    };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await attempt(`wrong-${i}`));
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    expect(await attempt(password)).toBe(423);
    await page.waitForFunction(() => (document.querySelector('[role=alert]')?.textContent ?? '').includes('locked'));
    await shot(page, 'locked');
    await context.close();
  });

  it('lets an admin unlock a locked account and create an auditor, who reads the access log but not faces', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await logIn(context, 'admin', NEW_PASSWORD);
    await page.click('[data-nav=users]');
    await page.click('[data-unlock=walter]');
    await page.waitForSelector('tr[data-user=walter]:not(:has([data-unlock]))');
    await page.fill('[data-form=user] input[name=name]', 'audrey');
    await page.selectOption('[data-form=user] select[name=role]', 'auditor');
    await page.click('[data-form=user] button[type=submit]');
    await page.waitForSelector('[data-created] .secret');
    await shot(page, 'users');
    const password = (await page.locator('[data-created] .secret').textContent())!.split(': ')[1]!;
    await context.close();

    const ac = await browser.newContext({ locale: 'en-US' });
    const ap = await logIn(ac, 'audrey', password, NEW_PASSWORD);
    expect(await ap.locator('[data-nav=review]').count()).toBe(0);
    await ap.click('[data-open=counter-3]');
    await ap.waitForSelector('[data-detail=counter-3]');
    expect(await ap.locator('main img').count()).toBe(0);
    await ap.click('[data-nav=access-log]');
    await ap.waitForSelector('table[data-table=access-log]');
    expect(await ap.locator('table[data-table=access-log]').textContent()).toContain('users.unlock');
    await ac.close();
  });

  it('refuses a cross-site form post, then erases one ID number leaving nothing in the database or the object store', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await logIn(context, 'admin', NEW_PASSWORD);
    const before = count('SELECT COUNT(*) AS n FROM console_ticket_index WHERE id_masked = ?', '110101********4477');
    expect(before).toBe(2);
    // The logged-in admin visits another site that posts a form at the console.
    const attack = await context.newPage();
    const response = await attack.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
    await attack.waitForURL(`${t.url}/console/api/delete/id-number`);
    const body = await attack.textContent('body');
    expect(body).toMatch(/CrossSiteRequest|NotLoggedIn/);
    expect(response).toBeTruthy();
    expect(count('SELECT COUNT(*) AS n FROM console_ticket_index WHERE id_masked = ?', '110101********4477')).toBe(2);

    const objectsBefore = count('SELECT COUNT(*) AS n FROM objects');
    page.on('dialog', (dialog) => void dialog.accept());
    await page.click('[data-nav=erase]');
    await page.fill('[data-form=erase] input[name=id]', OTHER_ID);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-result][data-tickets="2"]');
    await shot(page, 'erase');
    // counter-1 and counter-2, three images each, are gone from every table.
    expect(count("SELECT COUNT(*) AS n FROM tickets WHERE ticket_id IN ('counter-1', 'counter-2')")).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM verify_tokens WHERE ticket_id IN ('counter-1', 'counter-2')")).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM console_ticket_index WHERE ticket_id IN ('counter-1', 'counter-2')")).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM objects')).toBe(objectsBefore - 6);
    await page.click('[data-nav=records]');
    await page.fill('input[name=id]', OTHER_ID);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-results] [data-empty]');
    expect((await t.client().getStatus({ Biz: 'CounterBiz', TicketId: 'counter-1' })).Data.StatusCode).toBe(-1);
    await context.close();
  });
});
