import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ConsoleError, SESSION_MS, type Actor, type ConsoleService } from './service';
import { clearedSessionCookie, CONSOLE_HEADERS, cookieValue, SESSION_COOKIE, sameOrigin, sessionCookie } from './http-rules';
import { BizSettingsInput, RecordQuery, ROLES } from './types';

export interface ConsoleRouteOptions {
  service: ConsoleService;
  publicUrl: () => string;
  /** The built console page (out/renderer/console); found next to the build when not given. */
  staticDir?: string;
}

/** Where the renderer build put the console page, from source (tests) or from out/main (the CLI bundle). */
export function findConsoleBuild(from = import.meta.dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, 'out', 'renderer'), join(dir, 'renderer')]) {
      if (existsSync(join(candidate, 'console', 'index.html'))) return candidate;
    }
    dir = dirname(dir);
  }
  return undefined;
}

const Login = z.strictObject({ user: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const PasswordChange = z.strictObject({ current: z.string().max(256), next: z.string().max(256) });
const Decision = z.strictObject({ decision: z.union([z.literal(1), z.literal(2)]), reason: z.string().max(500) });
const DeleteTicket = z.strictObject({ biz: z.string().min(1), ticketId: z.string().min(1) });
const DeleteId = z.strictObject({ id: z.string().min(6).max(32) });
const NewBiz = z.strictObject({ name: z.string(), scheme: z.string(), settings: BizSettingsInput });
const NewUser = z.strictObject({ name: z.string(), role: z.enum(ROLES) });
const Stats = z.object({ days: z.coerce.number().pipe(z.union([z.literal(7), z.literal(30)])).default(7), biz: z.string().optional() });

/** Constant-time comparison, so the token cannot be guessed a character at a time from response times. */
function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };

function sniff(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return 'image/bmp';
  return 'application/octet-stream';
}

/**
 * The console at /console/: the page and /console/api/*. Only a session cookie opens the API
 * (an AccessKey signature means nothing here); every POST must carry JSON, the session's CSRF
 * token, and an Origin naming this service, so a form on another site cannot act for a user.
 */
export function registerConsole(root: FastifyInstance, options: ConsoleRouteOptions): void {
  // Its own scope, so a malformed body or an oversize request gets the console's JSON error, not a cloudauth one.
  void root.register(async (app) => {
    app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      return reply.code(status).headers(CONSOLE_HEADERS).send({ error: { code: status === 500 ? 'InternalError' : 'InvalidRequest', message: status === 500 ? 'The console could not do this; see the service log.' : 'The request could not be read; send JSON.' } });
    });
    scope(app, options);
  });
}

function scope(app: FastifyInstance, options: ConsoleRouteOptions): void {
  const { service } = options;
  const staticDir = options.staticDir ?? findConsoleBuild();
  const secure = () => options.publicUrl().startsWith('https:');

  const fail = (reply: FastifyReply, status: number, code: string, message: string) => reply.code(status).headers(CONSOLE_HEADERS).send({ error: { code, message } });

  type Handler = (request: FastifyRequest, reply: FastifyReply, actor: Actor) => Promise<unknown>;

  /** Wraps a handler: session, password-change gate, CSRF for POST, errors as JSON. */
  const guarded = (method: 'GET' | 'POST', handler: Handler, opts: { allowMustChange?: boolean } = {}) => async (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(CONSOLE_HEADERS);
    const session = await service.session(cookieValue(request.headers.cookie, SESSION_COOKIE));
    if (!session) return fail(reply, 401, 'NotLoggedIn', 'Log in to the console first.');
    if (method === 'POST') {
      if (!sameOrigin(request.headers.origin, request.headers.host, options.publicUrl())) return fail(reply, 403, 'CrossSiteRequest', 'This request did not come from the console page; open the console and try again.');
      if (!sameToken(request.headers['x-csrf-token'], session.csrf)) return fail(reply, 403, 'CsrfTokenInvalid', 'The page is out of date; reload the console and try again.');
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return fail(reply, 415, 'JsonRequired', 'Send JSON.');
    }
    if (session.mustChange && !opts.allowMustChange) return fail(reply, 403, 'PasswordChangeRequired', 'Change the one-time password before using the console.');
    try {
      const value = await handler(request, reply, session);
      return reply.sent ? reply : reply.send(value ?? { ok: true });
    } catch (error) {
      if (error instanceof ConsoleError) return fail(reply, error.status, error.code, error.message);
      if (error instanceof z.ZodError) return fail(reply, 400, 'InvalidRequest', error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
      request.log.error?.({ err: { name: (error as Error)?.name } }, 'console request failed');
      return fail(reply, 500, 'InternalError', 'The console could not do this; see the service log.');
    }
  };

  // ---------- the page ----------

  const page = () => {
    if (!staticDir) return undefined;
    // The renderer build links its shared chunks as ../assets/…; served here under /console/assets/.
    return readFileSync(join(staticDir, 'console', 'index.html'), 'utf8').replaceAll('"../assets/', '"/console/assets/').replaceAll('"./', '"/console/');
  };
  app.get('/console', async (_request, reply) => reply.redirect('/console/'));
  app.get('/console/', async (_request, reply) => {
    const html = page();
    if (!html) return reply.code(503).type('text/plain').send('The console page is not built; run `npm run build`.\n');
    return reply.headers(CONSOLE_HEADERS).type('text/html; charset=utf-8').send(html);
  });
  app.get<{ Params: { file: string } }>('/console/assets/:file', async (request, reply) => {
    const file = request.params.file;
    if (!staticDir || !/^[A-Za-z0-9._-]+$/.test(file) || file.startsWith('.')) return reply.code(404).send();
    const path = resolve(staticDir, 'assets', file);
    if (!existsSync(path)) return reply.code(404).send();
    const ext = file.slice(file.lastIndexOf('.'));
    return reply.headers({ ...CONSOLE_HEADERS, 'cache-control': 'public, max-age=3600' }).type(TYPES[ext] ?? 'application/octet-stream').send(readFileSync(path));
  });

  // ---------- session ----------

  app.post('/console/api/login', async (request, reply) => {
    reply.headers(CONSOLE_HEADERS);
    // Login CSRF: a cross-site page must not log a victim into an attacker's account either.
    if (!sameOrigin(request.headers.origin, request.headers.host, options.publicUrl())) return fail(reply, 403, 'CrossSiteRequest', 'This request did not come from the console page; open the console and try again.');
    const parsed = Login.safeParse(request.body);
    if (!parsed.success) return fail(reply, 400, 'InvalidRequest', 'Send {"user": …, "password": …} as JSON.');
    const result = await service.login(parsed.data.user, parsed.data.password);
    if (!result.ok) {
      if (result.reason === 'locked') return fail(reply, 423, 'AccountLocked', `Too many failed logins: this account is locked until ${result.lockedUntil?.toISOString()}; wait, or ask an admin to unlock it.`);
      return fail(reply, 401, 'InvalidLogin', 'The user name or password is wrong.');
    }
    reply.header('set-cookie', sessionCookie(result.sessionId, { secure: secure(), maxAgeSeconds: SESSION_MS / 1000 }));
    return reply.send({ user: result.user, role: result.role, mustChange: result.mustChange, csrf: result.csrf });
  });

  app.get('/console/api/session', guarded('GET', async (_request, _reply, actor) => {
    const s = actor as Actor & { csrf: string; mustChange: boolean };
    return { user: s.user, role: s.role, mustChange: s.mustChange, csrf: s.csrf };
  }, { allowMustChange: true }));

  app.post('/console/api/logout', guarded('POST', async (request, reply) => {
    const id = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (id) await service.logout(id);
    reply.header('set-cookie', clearedSessionCookie(secure()));
    return { ok: true };
  }, { allowMustChange: true }));

  app.post('/console/api/password', guarded('POST', async (request, _reply, actor) => {
    const body = PasswordChange.parse(request.body);
    await service.changePassword(actor, body.current, body.next, cookieValue(request.headers.cookie, SESSION_COOKIE));
    return { ok: true };
  }, { allowMustChange: true }));

  // ---------- records ----------

  app.get('/console/api/records', guarded('GET', async (request, _reply, actor) => {
    const rows = await service.search(actor, RecordQuery.parse(request.query));
    return { rows };
  }));

  app.get('/console/api/records.csv', guarded('GET', async (request, reply, actor) => {
    const csv = await service.exportCsv(actor, RecordQuery.parse(request.query));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="renzheng-records.csv"').send(`\uFEFF${csv}`);
  }));

  app.get<{ Params: { biz: string; ticket: string } }>('/console/api/records/:biz/:ticket', guarded('GET', async (request, _reply, actor) => {
    const { biz, ticket } = request.params as { biz: string; ticket: string };
    return service.detail(actor, biz, ticket);
  }));

  app.get('/console/api/records/:biz/:ticket/images/:type', guarded('GET', async (request, reply, actor) => {
    const { biz, ticket, type } = request.params as { biz: string; ticket: string; type: string };
    const bytes = await service.imageBytes(actor, biz, ticket, type);
    return reply.type(sniff(bytes)).send(bytes);
  }));

  // ---------- review ----------

  app.get('/console/api/review', guarded('GET', async (_request, _reply, actor) => ({ rows: await service.reviewQueue(actor) })));
  app.post('/console/api/review/:biz/:ticket', guarded('POST', async (request, _reply, actor) => {
    const { biz, ticket } = request.params as { biz: string; ticket: string };
    const body = Decision.parse(request.body);
    await service.decide(actor, biz, ticket, body.decision, body.reason);
    return { ok: true };
  }));

  // ---------- deletion ----------

  app.post('/console/api/delete/ticket', guarded('POST', async (request, _reply, actor) => {
    const body = DeleteTicket.parse(request.body);
    const removed = await service.deleteTicket(actor, body.biz, body.ticketId);
    if (!removed) throw new ConsoleError(404, 'NotFound', 'No such ticket (it may have been deleted already).');
    return removed;
  }));
  app.post('/console/api/delete/id-number', guarded('POST', async (request, _reply, actor) => service.deleteIdNumber(actor, DeleteId.parse(request.body).id)));

  // ---------- keys and scenarios ----------

  app.get('/console/api/keys', guarded('GET', async (_request, _reply, actor) => ({ keys: await service.listKeys(actor) })));
  app.post('/console/api/keys', guarded('POST', async (_request, _reply, actor) => service.createKey(actor)));
  app.post('/console/api/keys/:id/revoke', guarded('POST', async (request, _reply, actor) => {
    const { id } = request.params as { id: string };
    if (!(await service.revokeKey(actor, id))) throw new ConsoleError(404, 'NotFound', `No AccessKey ${id}.`);
    return { ok: true };
  }));
  app.get('/console/api/biz', guarded('GET', async (_request, _reply, actor) => ({ biz: await service.listBiz(actor) })));
  app.post('/console/api/biz', guarded('POST', async (request, _reply, actor) => {
    const body = NewBiz.parse(request.body);
    await service.createBiz(actor, body.name, body.scheme, body.settings);
    return { ok: true };
  }));
  app.post('/console/api/biz/:name/settings', guarded('POST', async (request, _reply, actor) => {
    const { name } = request.params as { name: string };
    await service.updateBizSettings(actor, name, BizSettingsInput.parse(request.body));
    return { ok: true };
  }));

  // ---------- statistics, users, access log ----------

  app.get('/console/api/stats', guarded('GET', async (request, _reply, actor) => {
    const q = Stats.parse(request.query);
    return service.stats(actor, q.days as 7 | 30, q.biz || undefined);
  }));
  app.get('/console/api/users', guarded('GET', async (_request, _reply, actor) => ({ users: await service.listUsers(actor) })));
  app.post('/console/api/users', guarded('POST', async (request, _reply, actor) => {
    const body = NewUser.parse(request.body);
    return service.createUserBy(actor, body.name, body.role);
  }));
  app.post('/console/api/users/:name/unlock', guarded('POST', async (request, _reply, actor) => {
    const { name } = request.params as { name: string };
    if (!(await service.unlockUserBy(actor, name))) throw new ConsoleError(404, 'NotFound', `No console user ${name}.`);
    return { ok: true };
  }));
  app.get('/console/api/access-log', guarded('GET', async (_request, _reply, actor) => ({ entries: await service.accessLog(actor) })));
}
