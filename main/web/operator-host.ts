import type { Kiosk } from '../services/kiosk';
import { EventBus } from '../services/events';
import type { Logger } from '../services/log';
import { startWebServer, type WebHost } from './web-server';

export const OPERATOR_PAGE = '/operator/index.html';

/**
 * The operator surface under the web shell: after a correct PIN, a server of its own on a fresh
 * port with a fresh token, whose contract connection speaks only the operator channel map. A
 * different port is a different origin, so the kiosk page's connection and cookie never reach it.
 * Each unlock replaces the previous server (its token dies with it); sign-out closes it.
 */
export function webOperatorHost(kiosk: Kiosk, opts: { rendererDir: string; log: Logger }) {
  let current: WebHost | null = null;
  const close = async () => {
    const host = current;
    current = null;
    await host?.close();
  };
  return {
    async open(): Promise<string> {
      await close();
      current = await startWebServer({
        rendererDir: opts.rendererDir,
        dispatch: kiosk.operatorDispatch(),
        // The operator page gets no kiosk events.
        bus: new EventBus(),
        log: opts.log,
        // Cookies ignore ports: a name of its own keeps the kiosk's token cookie intact.
        cookieName: 'renzheng_operator_token',
        // The page opens with a one-time code (exchanged for the HttpOnly cookie), as the kiosk's does.
        landingPath: OPERATOR_PAGE,
      });
      return current.url;
    },
    /** Lets the sign-out reply reach the page before its connection closes. */
    signOut(): void {
      setTimeout(() => void close(), 200).unref?.();
    },
    close,
  };
}
