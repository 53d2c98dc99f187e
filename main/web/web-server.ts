import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../../contract/dispatcher';
import type { EventBus } from '../services/events';
import type { Logger } from '../services/log';
import { CONTENT_SECURITY_POLICY } from '../http/csp';
import { resolveInside, serveFile } from '../http/static-files';

export interface WebHostOptions {
  rendererDir: string;
  dispatch: Dispatch;
  bus: EventBus;
  log: Logger;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Largest contract message; the capture frame is the biggest (≤ 2 MB JPEG as base64). */
  maxMessageBytes?: number;
  /**
   * Name of the token cookie. Cookies are shared by every port of a host, so a second server on
   * 127.0.0.1 (the operator surface) needs its own name or it would overwrite the kiosk's.
   */
  cookieName?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'renzheng_token';
export const CONTRACT_PATH = '/contract';

function tokenEquals(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === name && value && /^[A-Za-z0-9_-]+$/.test(value)) return value;
  }
  return null;
}

/**
 * Serves the built renderer and the contract over WebSocket on 127.0.0.1 only. Every request
 * needs the per-run token (in the URL, or the cookie set when the page was opened with it), the
 * Host header must name this host (DNS rebinding), and WebSocket upgrades must come from our origin.
 */
export async function startWebServer(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const cookieName = opts.cookieName ?? COOKIE;
  const log = opts.log;
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const refuse = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${message}\n`);
  };

  const authorised = (req: IncomingMessage, url: URL) =>
    allowedHosts().has(req.headers.host ?? '') &&
    (tokenEquals(token, url.searchParams.get('token')) || tokenEquals(token, cookieToken(req, cookieName)));

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
      if (!authorised(req, url)) return refuse(res, 403, 'Forbidden: open the URL the kiosk printed (it carries the access token).');
      const path = url.pathname === '/' ? '/index.html' : url.pathname;
      const file = resolveInside(opts.rendererDir, path);
      if (!file) return refuse(res, 400, 'Bad path');
      const headers: Record<string, string> = {
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
      };
      if (path.endsWith('.html')) {
        headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
        headers['Set-Cookie'] = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      }
      if (!(await serveFile(res, file, headers))) refuse(res, 404, 'Not found');
    })().catch((error: unknown) => {
      log.error('web host request failed', { error: (error as Error).message });
      if (!res.headersSent) refuse(res, 500, 'Internal error');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes ?? 4 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const originOk = origins().has(req.headers.origin ?? '');
    if (url.pathname !== CONTRACT_PATH || !originOk || !authorised(req, url)) {
      log.warn('refused websocket', { path: url.pathname.slice(0, 64), originOk });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const unsubscribe = opts.bus.subscribe((message) => {
    const text = JSON.stringify({ type: 'event', event: message.event, payload: message.payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let message: { id?: unknown; channel?: unknown; payload?: unknown };
        try {
          message = isBinary ? {} : JSON.parse(data.toString());
        } catch {
          ws.send(JSON.stringify({ type: 'result', id: null, result: { ok: false, error: { code: 'validation', message: 'Message is not JSON' } } }));
          return;
        }
        const id = typeof message.id === 'number' || typeof message.id === 'string' ? message.id : null;
        const result = await opts.dispatch(message.channel, message.payload);
        ws.send(JSON.stringify({ type: 'result', id, result }));
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  log.info('web host listening', { port });

  return {
    url,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function rendererDirFrom(appRoot: string): string {
  return join(appRoot, 'out', 'renderer');
}
