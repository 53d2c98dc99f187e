import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { CaptureSettings } from '../../contract';
import { DEFAULT_CAPTURE_SETTINGS } from '../../capture/defaults';
import type { ServiceContext } from '../context';
import { FaceQueueFullError } from '../face-pool';
import { describeSession, H5Refusal, H5Start, H5Submit, issueChallenge, openToken, submitCapture, type H5Problem } from './session';

/**
 * The H5 page's HTTP surface. `/h5/verify?token=…` (the CloudauthPageUrl) serves the page built
 * from renderer/h5; `/h5/static/…` its scripts, Human's models and wasm (never a CDN);
 * `/h5/api/start` and `/h5/api/submit` are the page's two calls, each carrying the token.
 */

export interface H5Options {
  /** The built renderer (out/renderer); found next to the server bundle or the source tree when absent. */
  root?: string;
  /** The capture policy the page runs and the service judges with (the kiosk's defaults unless given). */
  capture?: Partial<CaptureSettings>;
}

/** Strict for a page that talks to nobody but this service (Human compiles wasm; its workers are blobs). */
export const H5_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};
/** What the page needs of the renderer build; the kiosk's own page is not served here. */
const SERVED = ['h5/', 'assets/', 'human/'];

/**
 * The built renderer: this file is bundled into out/main/chunks/ (the CLI) or run from server/h5/
 * (tests, tsx), so look upward for an `out` folder holding renderer/h5 — never the source
 * renderer/h5, whose index.html is not the built page.
 */
export function findH5Root(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidates = basename(dir) === 'out' ? [join(dir, 'renderer')] : [join(dir, 'out', 'renderer')];
    const found = candidates.find((root) => existsSync(join(root, 'h5', 'index.html')));
    if (found) return found;
  }
  return undefined;
}

const PROBLEM_TEXT: Record<H5Problem | 'missing', { zh: string; en: string; status: number }> = {
  invalid: { zh: '认证链接无效。请回到发起认证的应用重新获取链接。', en: 'This verification link is not valid. Go back to the app that sent you here and ask for a new link.', status: 404 },
  expired: { zh: '认证链接已过期。请回到发起认证的应用重新获取链接。', en: 'This verification link has expired. Go back to the app that sent you here and ask for a new link.', status: 410 },
  spent: { zh: '此认证链接已使用过，不能再次使用。如需重新认证，请获取新的链接。', en: 'This verification link was used already and cannot be used again. Ask for a new link to verify again.', status: 410 },
  missing: { zh: '认证页面暂不可用，请稍后再试。', en: 'The verification page is not available right now; please try again later.', status: 503 },
};

/** A complete page, no script: zh-CN and English, readable at 360 px. */
export function problemPage(problem: H5Problem | 'missing'): { status: number; html: string } {
  const t = PROBLEM_TEXT[problem];
  return {
    status: t.status,
    html: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>实人认证 Verification</title></head>
<body style="font-family: sans-serif; margin: 24px; max-width: 32em; line-height: 1.5" data-h5-problem="${problem}"><h1 style="font-size: 1.3em">实人认证</h1><p>${t.zh}</p><p lang="en">${t.en}</p></body></html>\n`,
  };
}

export function registerH5Routes(app: FastifyInstance, context: (note: (fields: Record<string, unknown>) => void) => ServiceContext, options: H5Options = {}): void {
  const root = options.root ?? findH5Root();
  const capture: CaptureSettings = { ...DEFAULT_CAPTURE_SETTINGS, ...options.capture };
  const settings = { capture };
  const html = (reply: import('fastify').FastifyReply, status: number, body: string) =>
    reply.code(status).header('content-security-policy', H5_CONTENT_SECURITY_POLICY).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8').send(body);

  app.get<{ Querystring: { token?: string } }>('/h5/verify', async (request, reply) => {
    const ctx = context(() => undefined);
    const opened = request.query.token ? await openToken(ctx, request.query.token) : { ok: false as const, problem: 'invalid' as const };
    if (!opened.ok) {
      const page = problemPage(opened.problem);
      return html(reply, page.status, page.html);
    }
    const index = root ? await readFile(join(root, 'h5', 'index.html'), 'utf8').catch(() => undefined) : undefined;
    if (!index) {
      const page = problemPage('missing');
      return html(reply, page.status, page.html);
    }
    // The build's relative links resolve against the static folder, not /h5/verify.
    return html(reply, 200, index.replace('<head>', '<head><base href="/h5/static/h5/">'));
  });

  app.get<{ Params: { '*': string } }>('/h5/static/*', async (request, reply) => {
    const path = request.params['*'];
    if (!root || !SERVED.some((prefix) => path.startsWith(prefix)) || path.includes('\0') || path.includes('\\')) return reply.code(404).send();
    const full = normalize(join(root, path));
    if (!full.startsWith(normalize(root) + sep)) return reply.code(404).send();
    const info = await stat(full).catch(() => undefined);
    if (!info?.isFile()) return reply.code(404).send();
    return reply.code(200).header('content-type', MIME[extname(full)] ?? 'application/octet-stream').header('cache-control', 'no-cache').send(await readFile(full));
  });

  app.post('/h5/api/start', async (request, reply) => {
    const note: Record<string, unknown> = {};
    const ctx = context((fields) => Object.assign(note, fields));
    const body = H5Start.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: 'bad-request', message: 'Send {"token": …} as JSON.' });
    const opened = await openToken(ctx, body.data.token);
    if (!opened.ok) return reply.code(PROBLEM_TEXT[opened.problem].status).send({ error: opened.problem, message: PROBLEM_TEXT[opened.problem].en });
    const challenge = await issueChallenge(ctx, opened.tokenHash, opened.token.expiresAt, settings, () => randomInt(0, 2 ** 32) / 2 ** 32);
    if (!challenge) return reply.code(429).send({ error: 'draws', message: 'Too many attempts with this link; ask for a new one.' });
    return reply.send({ person: describeSession(ctx, opened.token, opened.tokenHash), challenge, capture, expiresAt: opened.token.expiresAt.toISOString() });
  });

  app.post('/h5/api/submit', { bodyLimit: 3 * 1024 * 1024 }, async (request, reply) => {
    const ctx = context(() => undefined);
    const body = H5Submit.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: 'bad-request', message: `The upload is malformed (${body.error.issues[0]?.path.join('.') ?? 'body'}).` });
    try {
      return reply.send(await submitCapture(ctx, body.data, settings));
    } catch (error) {
      if (error instanceof H5Refusal) return reply.code(error.status).send({ error: error.code, message: error.message });
      if (error instanceof FaceQueueFullError) return reply.code(503).send({ error: 'busy', message: 'The service is busy; try again in a moment.' });
      throw error;
    }
  });
}
