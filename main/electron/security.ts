import type { App, Session, WebContents } from 'electron';
import { isAppOrigin } from './origin';

type PermissionDetails = { mediaTypes?: string[]; requestingUrl?: string };

/** Camera only, and only for our own pages: no microphone, no geolocation, no notifications, no devices. */
export function isPermissionAllowed(permission: string, origin: string, details: PermissionDetails = {}): boolean {
  if (permission !== 'media') return false;
  if (!isAppOrigin(origin)) return false;
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
    permission === 'media' && isAppOrigin(requestingOrigin) && (details as PermissionDetails).mediaTypes?.includes('audio') !== true,
  );
  session.setDevicePermissionHandler(() => false);
}

export function isNavigationAllowed(url: string): boolean {
  return isAppOrigin(url);
}

/** No navigation away from the app (main frame or any subframe), no new windows, no webviews, for every web contents ever created. */
export function lockDownWebContents(app: App): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    // will-navigate covers only the main frame; an iframe the page manages to create is covered here.
    contents.on('will-frame-navigate', (event) => {
      if (!isNavigationAllowed(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
