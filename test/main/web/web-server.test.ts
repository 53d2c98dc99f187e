import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { RunningWebHost } from '../../../main/web-host';
import { startTestWebHost } from '../../support/test-kiosk';
import { connectContract, contractUrls, WsContract } from '../../support/ws-contract';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host', () => {
  let host: RunningWebHost;
  beforeAll(async () => {
    host = await startTestWebHost();
  });
  afterAll(async () => host.close());

  /** Redeem an opening URL as a browser does: the cookie from the redirect, then the page with it. */
  async function open(url: string) {
    const landing = await get(url);
    const cookie = String(landing.headers['set-cookie'] ?? '').split(';')[0]!;
    return { landing, cookie, page: await get(`http://127.0.0.1:${host.port}/`, { cookie }) };
  }

  it('listens on 127.0.0.1 only and opens the renderer with a one-time code, never the token in the URL', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?code=[A-Za-z0-9_-]{20,}$/);
    expect(host.url).not.toContain(host.token);
    const { landing, page } = await open(host.url);
    expect(landing.status).toBe(303);
    expect(landing.headers.location).toBe('/');
    expect(String(landing.headers['set-cookie'])).toContain('HttpOnly');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('opens the printed URL once: a second use without the cookie is refused', async () => {
    const url = host.openUrl();
    expect((await get(url)).status).toBe(303);
    const again = await get(url);
    expect(again.status).toBe(403);
    expect(again.body).toMatch(/already used or has expired/);
  });

  it('refuses requests without the cookie, with a wrong one, or with the token in the URL', async () => {
    const base = `http://127.0.0.1:${host.port}`;
    expect((await get(`${base}/`)).status).toBe(403);
    expect((await get(`${base}/?token=${host.token}`)).status).toBe(403);
    expect((await get(`${base}/?code=made-up`)).status).toBe(403);
    expect((await get(`${base}/assets/anything.js`, { cookie: 'renzheng_token=wrong' })).status).toBe(403);
  });

  it('serves assets to the page through the cookie set for the code', async () => {
    const { page, cookie } = await open(host.openUrl());
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeTruthy();
    expect((await get(`http://127.0.0.1:${host.port}/${script}`, { cookie })).status).toBe(200);
    expect((await get(`http://127.0.0.1:${host.port}/human/models/blazeface.json`, { cookie })).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding) and paths outside the renderer', async () => {
    expect((await get(host.openUrl(), { host: `evil.example:${host.port}` })).status).toBe(403);
    const traversal = await get(`http://127.0.0.1:${host.port}/..%2f..%2fpackage.json`, { cookie: `renzheng_token=${host.token}` });
    expect([400, 404]).toContain(traversal.status);
    expect(traversal.body).not.toContain('"name"');
  });

  it('refuses a WebSocket without the cookie or from another origin', async () => {
    const { ws, origin, cookie } = contractUrls(host);
    await expect(WsContract.connect(ws, origin, 'renzheng_token=nope')).rejects.toThrow(/403/);
    await expect(WsContract.connect(`${ws}?token=${host.token}`, origin)).rejects.toThrow(/403/);
    await expect(WsContract.connect(ws, 'http://evil.example', cookie)).rejects.toThrow(/403/);
  });

  it('round-trips system.info and pushes reader events over the contract socket', async () => {
    const client = await connectContract(host);
    const info = await client.call('system.info', {});
    expect(info).toMatchObject({ ok: true, value: { shell: 'web', reader: { state: 'simulated', canSimulate: true } } });
    expect(await client.call('reader.simulate', { action: 'present' })).toEqual({ ok: true, value: { ok: true } });
    await expect.poll(() => client.events.map((e) => e.event)).toContain('reader.card');
    const card = client.events.find((e) => e.event === 'reader.card')!.payload as { idNumberMasked: string };
    expect(card.idNumberMasked).toBe('110105********002X');
    client.close();
  });

  it('answers malformed messages with typed errors and keeps the socket usable', async () => {
    const client = await connectContract(host);
    expect(await client.call('nope.nope', {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await client.call('renderer.report', { faceBackend: 'quantum' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    client.sendRaw('{not json');
    expect(await client.call('reader.status', {})).toMatchObject({ ok: true });
    client.close();
  });
});
