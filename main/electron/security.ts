import type { App, Session, WebContents } from 'electron';
import { APP_ORIGIN } from './app-protocol';

type PermissionDetails = { mediaTypes?: string[]; requestingUrl?: string };

/** Camera only, and only for our own pages: no microphone, no geolocation, no notifications, no devices. */
export function isPermissionAllowed(permission: string, origin: string, details: PermissionDetails = {}): boolean {
  if (permission !== 'media') return false;
  if (!origin.startsWith(APP_ORIGIN)) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'video');
}

export function installPermissionHandlers(session: Session): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const origin = (details as PermissionDetails).requestingUrl ?? webContents.getURL();
    callback(isPermissionAllowed(permission, origin, details as PermissionDetails));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    // Checks (as opposed to requests) carry no media types; camera enumeration needs 'media' to pass here.
    permission === 'media' && requestingOrigin.startsWith(APP_ORIGIN) && (details as PermissionDetails).mediaTypes?.includes('audio') !== true,
  );
  session.setDevicePermissionHandler(() => false);
}

export function isNavigationAllowed(url: string): boolean {
  return url.startsWith(`${APP_ORIGIN}/`);
}

/** No navigation away from the app, no new windows, no webviews, for every web contents ever created. */
export function lockDownWebContents(app: App): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
