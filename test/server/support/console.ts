import { toBase64Value } from '../../../cloudauth';
import { fakeImage } from './fake-face';
import type { TestServer } from './harness';

/** A browser-like console client: keeps the session cookie, sends Origin and the CSRF token. */
export class ConsoleClient {
  cookie = '';
  csrf = '';
  constructor(
    readonly base: string,
    readonly origin = base,
  ) {}

  async request(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(method === 'POST' ? { origin: this.origin, 'content-type': 'application/json', 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? (method === 'POST' ? '{}' : undefined) : JSON.stringify(body),
      redirect: 'manual',
    });
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  }

  async login(user: string, password: string) {
    const r = await this.request('POST', '/console/api/login', { user, password });
    if (r.status === 200) this.csrf = r.json.csrf;
    return r;
  }

  get(path: string) {
    return this.request('GET', path);
  }

  post(path: string, body?: unknown) {
    return this.request('POST', path, body);
  }
}

export const NEW_PASSWORD = 'correct horse battery 42';
export const ID = '11010519491231002X';
export const OTHER_ID = '110101199003074477';

/** A user created as the CLI does, logged in, with the one-time password changed. */
export async function consoleUser(t: TestServer, name: string, role: 'admin' | 'reviewer' | 'auditor'): Promise<ConsoleClient> {
  const created = await t.server.console.createUser(name, role);
  const c = new ConsoleClient(t.url);
  await c.login(name, created.password);
  await c.post('/console/api/password', { current: created.password, next: NEW_PASSWORD });
  return c;
}

/** Submits one ticket by SubmitVerification with fake images of `person` (face and card). */
export async function submitTicket(t: TestServer, biz: string, ticketId: string, options: { id?: string; face?: string; card?: string; kiosk?: boolean } = {}) {
  const face = toBase64Value(fakeImage(options.face ?? 'zhang'));
  const card = toBase64Value(fakeImage(options.card ?? options.face ?? 'zhang'));
  return t.client().submitVerification({
    Biz: biz,
    TicketId: ticketId,
    Material: [
      { MaterialType: 'Name', Value: '张三' },
      { MaterialType: 'IdentificationNumber', Value: options.id ?? ID },
      { MaterialType: 'FacePic', Value: face },
      { MaterialType: 'IdCardFrontPic', Value: card },
      { MaterialType: 'IdCardBackPic', Value: card },
    ],
  });
}
