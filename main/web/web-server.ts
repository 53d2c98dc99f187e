import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Dispatch } from '../../contract/dispatcher';
import {
  ClientFrame, MAX_FRAME_DEPTH, MAX_SUBMIT_FRAME_BYTES, maxFrameBytes, nestingExceeds,
  type ContractErrorShape, type FrameId, type ServerFrame,
} from '../../contract';
import type { EventBus } from '../services/events';
import type { Logger } from '../services/log';
import { WEB_CONTENT_SECURITY_POLICY } from '../http/csp';
import { resolveInside, serveFile } from '../http/static-files';
import { OneTimeCodes } from './one-time-codes';

export interface WebHostOptions {
  rendererDir: string;
  dispatch: Dispatch;
  bus: EventBus;
  log: Logger;
  /** 0 picks a free port. */
  port?: number;
  /** The session secret carried by the HttpOnly cookie; random by default. */
  token?: string;
  /** How long an opening code stays valid (default 10 minutes: long enough to open the printed URL by hand). */
  codeTtlMs?: number;
  /** Calls one connection may have in flight; more are answered 'busy' (default 8). */
  maxInFlight?: number;
  now?: () => number;
  /**
   * Name of the token cookie. Cookies are shared by every port of a host, so a second server on
   * 127.0.0.1 (the operator surface) needs its own name or it would overwrite the kiosk's.
   */
  cookieName?: string;
  /** Where an opening code lands once exchanged for the cookie (default: the kiosk page). */
  landingPath?: string;
}

export interface WebHost {
  /** A URL that opens the kiosk once: its code is exchanged for the cookie on first use. */
  url: string;
  /** Issue another single-use URL (a second browser, a test page). */
  openUrl(): string;
  port: number;
  /** The cookie's value; never printed, never on a command line. */
  token: string;
  close(): Promise<void>;
}

export const COOKIE = 'renzheng_token';
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

function rawBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

// WebSocket close codes (RFC 6455 §7.4.1).
const CLOSE_UNSUPPORTED = 1003;
const CLOSE_POLICY = 1008;
const CLOSE_TOO_BIG = 1009;

/**
 * Serves the built renderer and the contract over WebSocket on 127.0.0.1 only. The browser is
 * opened with a one-time code that is exchanged for an HttpOnly cookie, so the secret never sits
 * on a command line or in history; every request needs the cookie, the Host header must name this
 * host (DNS rebinding), and WebSocket upgrades must come from our origin.
 *
 * Anything a local process sends costs it at most its own connection: every socket has an error
 * listener, frames are bounded in size and nesting before they are parsed, only the contract's
 * frame shape is accepted, and every call's failure is answered as a typed error.
 */
export async function startWebServer(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.log;
  const now = opts.now ?? Date.now;
  const codes = new OneTimeCodes({ ttlMs: opts.codeTtlMs ?? 10 * 60_000, now, random: () => randomBytes(18).toString('base64url') });
  const maxInFlight = opts.maxInFlight ?? 8;
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const refuse = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${message}\n`);
  };
  const hostOk = (req: IncomingMessage) => allowedHosts().has(req.headers.host ?? '');
  const cookieName = opts.cookieName ?? COOKIE;
  const cookieOk = (req: IncomingMessage) => tokenEquals(token, cookieToken(req, cookieName));
  const setCookie = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
  const landing = opts.landingPath ?? '/';

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
      if (!hostOk(req)) return refuse(res, 403, 'Forbidden: open the URL the kiosk printed.');
      const code = url.searchParams.get('code');
      if (code !== null) {
        // Exchange the opening code for the cookie, then drop it from the address bar. A used code
        // still lands a browser that already holds the cookie; anyone else is refused.
        if (codes.redeem(code) || cookieOk(req)) {
          res.writeHead(303, { Location: landing, 'Set-Cookie': setCookie, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
          return res.end();
        }
        log.warn('refused an opening code that is unknown, used or expired');
        return refuse(res, 403, `Forbidden: this link was already used or has expired. For a new one, run kill -USR2 ${process.pid} (the web host prints it) or restart the kiosk.`);
      }
      if (!cookieOk(req)) return refuse(res, 403, 'Forbidden: open the URL the kiosk printed (it works once).');
      const path = url.pathname === '/' ? '/index.html' : url.pathname;
      const file = resolveInside(opts.rendererDir, path);
      if (!file) return refuse(res, 400, 'Bad path');
      const headers: Record<string, string> = {
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
      };
      if (path.endsWith('.html')) headers['Content-Security-Policy'] = WEB_CONTENT_SECURITY_POLICY;
      if (!(await serveFile(res, file, headers))) refuse(res, 404, 'Not found');
    })().catch((error: unknown) => {
      log.error('web host request failed', { error: (error as Error).message });
      if (!res.headersSent) refuse(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  // A client that resets mid-request must not take the process with it.
  server.on('clientError', (error, socket) => {
    log.warn('http client error', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('connection', (socket) => socket.on('error', () => socket.destroy()));

  // maxPayload is the largest frame of any channel; each channel's own limit is checked per frame.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SUBMIT_FRAME_BYTES });
  wss.on('error', (error) => log.error('websocket server error', { error: error.message }));
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The raw upgrade socket has no listener until ws adopts it: an RST before then is an
    // 'error' event with nobody listening, which would end the process.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      log.warn('upgrade socket error', { code: error.code ?? 'unknown' });
      socket.destroy();
    });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      socket.destroy();
      return;
    }
    const originOk = origins().has(req.headers.origin ?? '');
    if (url.pathname !== CONTRACT_PATH || !originOk || !hostOk(req) || !cookieOk(req)) {
      log.warn('refused websocket', { path: url.pathname.slice(0, 64), originOk });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, frame: ServerFrame) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(frame), (error) => {
      if (error) log.warn('websocket send failed', { error: error.message });
    });
  };
  const answerError = (ws: WebSocket, id: FrameId | null, error: ContractErrorShape) => send(ws, { type: 'result', id, result: { ok: false, error } });

  const unsubscribe = opts.bus.subscribe((message) => {
    for (const ws of sockets) send(ws, { type: 'event', event: message.event, payload: message.payload });
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    let inFlight = 0;
    // ws closes the connection itself on invalid UTF-8 (1007) or an over-limit frame (1009) and
    // reports it here; without this listener the 'error' event would end the process.
    ws.on('error', (error: Error & { code?: string }) => log.warn('websocket connection error', { code: error.code ?? error.message.slice(0, 80) }));
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return ws.close(CLOSE_UNSUPPORTED, 'binary frames are not part of the contract');
      const bytes = rawBytes(data);
      // Bounded before parsing: depth by a linear scan, size by the largest channel's limit (ws enforced it).
      if (nestingExceeds(bytes, MAX_FRAME_DEPTH)) {
        log.warn('closed a connection: message nests too deep', { bytes: bytes.length });
        return ws.close(CLOSE_POLICY, 'message nests too deep');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        return answerError(ws, null, { code: 'validation', message: 'Message is not JSON' });
      }
      const frame = ClientFrame.safeParse(parsed);
      if (!frame.success) {
        return answerError(ws, null, { code: 'validation', message: 'Message is not a contract call: expected {"id", "channel", "payload"}' });
      }
      const { id, channel, payload } = frame.data;
      if (bytes.length > maxFrameBytes(channel)) {
        log.warn('closed a connection: message over its channel limit', { channel: channel.slice(0, 64), bytes: bytes.length });
        return ws.close(CLOSE_TOO_BIG, `message too big for ${channel.slice(0, 64)}`);
      }
      if (inFlight >= maxInFlight) return answerError(ws, id, { code: 'busy', message: 'Too many calls in flight on this connection; wait for answers.' });
      inFlight++;
      opts
        .dispatch(channel, payload)
        .then(
          (result) => send(ws, { type: 'result', id, result }),
          (error: unknown) => {
            // The dispatcher answers with envelopes; reaching this is a bug, but never a crash.
            log.error('dispatch threw', { channel, error: error instanceof Error ? error.message : String(error) });
            answerError(ws, id, { code: 'internal', message: `The ${channel} call failed inside the kiosk; see the main log.` });
          },
        )
        .finally(() => inFlight--);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', (error) => log.error('web host server error', { error: error.message }));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const openUrl = () => `http://127.0.0.1:${port}/?code=${codes.issue()}`;
  log.info('web host listening', { port });

  return {
    url: openUrl(),
    openUrl,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function rendererDirFrom(appRoot: string): string {
  return join(appRoot, 'out', 'renderer');
}
