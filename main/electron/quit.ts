import type { App } from 'electron';

/** Longest the kiosk waits for its services on quit before it quits anyway. */
export const QUIT_TIMEOUT_MS = 5_000;

/**
 * Holds the quit until the services have stopped (the audit database is closed, so its last
 * verdict is on disk), then quits for real. Electron does not wait for a promise from a
 * 'before-quit' listener, so the first quit is cancelled and re-issued once stop() settles.
 */
export function quitAfterStopping(
  app: Pick<App, 'on' | 'quit'>,
  stop: () => Promise<void>,
  log: { error(message: string, fields?: Record<string, unknown>): void },
  timeoutMs = QUIT_TIMEOUT_MS,
): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.error('services did not stop in time; quitting anyway', { timeoutMs });
        resolve();
      }, timeoutMs);
    });
    void Promise.race([stop().catch((error: unknown) => log.error('services failed to stop', { error: (error as Error).message })), timeout]).then(() => {
      clearTimeout(timer);
      state = 'stopped';
      app.quit();
    });
  });
}
