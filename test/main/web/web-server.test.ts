import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { RunningWebHost } from '../../../main/web-host';
import { startTestWebHost } from '../../support/test-kiosk';
import { contractUrls, WsContract } from '../../support/ws-contract';

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

  it('listens on 127.0.0.1 only and serves the renderer with the token', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
    const page = await get(host.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(page.headers['set-cookie'])).toContain('HttpOnly');
  });

  it('refuses requests without the token or with a wrong one', async () => {
    const base = `http://127.0.0.1:${host.port}`;
    expect((await get(`${base}/`)).status).toBe(403);
    expect((await get(`${base}/?token=wrong`)).status).toBe(403);
    expect((await get(`${base}/assets/anything.js`)).status).toBe(403);
  });

  it('serves assets to the page through the cookie set with the token', async () => {
    const page = await get(host.url);
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeTruthy();
    expect((await get(`http://127.0.0.1:${host.port}/${script}`, { cookie })).status).toBe(200);
    expect((await get(`http://127.0.0.1:${host.port}/human/models/blazeface.json`, { cookie })).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding) and paths outside the renderer', async () => {
    expect((await get(host.url, { host: `evil.example:${host.port}` })).status).toBe(403);
    const traversal = await get(`http://127.0.0.1:${host.port}/..%2f..%2fpackage.json?token=${host.token}`);
    expect([400, 404]).toContain(traversal.status);
    expect(traversal.body).not.toContain('"name"');
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    const { ws, origin } = contractUrls(host.url);
    await expect(WsContract.connect(ws.replace(/token=[^&]+/, 'token=nope'), origin)).rejects.toThrow(/403/);
    await expect(WsContract.connect(ws, 'http://evil.example')).rejects.toThrow(/403/);
  });

  it('round-trips system.info and pushes reader events over the contract socket', async () => {
    const { ws, origin } = contractUrls(host.url);
    const client = await WsContract.connect(ws, origin);
    const info = await client.call('system.info', {});
    expect(info).toMatchObject({ ok: true, value: { shell: 'web', reader: { state: 'simulated', canSimulate: true } } });
    expect(await client.call('reader.simulate', { action: 'present' })).toEqual({ ok: true, value: { ok: true } });
    await expect.poll(() => client.events.map((e) => e.event)).toContain('reader.card');
    const card = client.events.find((e) => e.event === 'reader.card')!.payload as { idNumberMasked: string };
    expect(card.idNumberMasked).toBe('110105********002X');
    client.close();
  });

  it('answers malformed messages with typed errors and keeps the socket usable', async () => {
    const { ws, origin } = contractUrls(host.url);
    const client = await WsContract.connect(ws, origin);
    expect(await client.call('nope.nope', {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await client.call('renderer.report', { faceBackend: 'quantum' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    client.sendRaw('{not json');
    expect(await client.call('reader.status', {})).toMatchObject({ ok: true });
    client.close();
  });
});
