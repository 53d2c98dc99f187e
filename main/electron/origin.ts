import { APP_HOST, APP_SCHEME } from './app-protocol';

/**
 * Whether `url` belongs to the kiosk's own origin (app://kiosk), compared exactly: scheme, host,
 * no port, no credentials. A prefix test would also accept app://kiosk.evil or app://kiosk@evil.
 * (Node's URL gives a custom scheme the opaque origin "null", so scheme and host are compared
 * as the parsed parts rather than through `.origin`.)
 */
export function isAppOrigin(url: string | null | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}
