import { readFile } from 'node:fs/promises';
import type { CustomScheme } from 'electron';
import { ELECTRON_CONTENT_SECURITY_POLICY } from '../http/csp';
import { mimeFor, resolveInside } from '../http/static-files';
import { OUT_OF_SERVICE_HTML, OUT_OF_SERVICE_PATH } from './out-of-service';

export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Must be registered before app 'ready'. fetch() of models and wasm needs supportFetchAPI; file:// would block it. */
export const appSchemePrivileges: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
};

/**
 * Serves the built renderer from rendererDir for app://kiosk/… and nothing else: other hosts,
 * paths escaping the folder and missing files get 4xx responses.
 */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return new Response('Forbidden', { status: 403 });
    if (url.pathname === OUT_OF_SERVICE_PATH) {
      return new Response(OUT_OF_SERVICE_HTML, {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': ELECTRON_CONTENT_SECURITY_POLICY },
      });
    }
    const path = url.pathname === '/' ? '/index.html' : url.pathname;
    const file = resolveInside(rendererDir, path);
    if (!file) return new Response('Bad path', { status: 400 });
    try {
      const body = await readFile(file);
      const headers: Record<string, string> = { 'Content-Type': mimeFor(file), 'X-Content-Type-Options': 'nosniff' };
      if (file.endsWith('.html')) headers['Content-Security-Policy'] = ELECTRON_CONTENT_SECURITY_POLICY;
      return new Response(body, { status: 200, headers });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  };
}
