// Web shell: the same services in plain Node, the renderer served on 127.0.0.1, the contract over WebSocket.
import { pathToFileURL } from 'node:url';
import { defaultDataDir, findAppRoot } from './app-paths';
import { createDispatcher } from '../contract/dispatcher';
import { createLogger, parseLogLevel, type Logger } from './services/log';
import { createKiosk } from './services/create-kiosk';
import type { Kiosk } from './services/kiosk';
import { rendererDirFrom, startWebServer, type WebHost } from './web/web-server';
import { webOperatorHost } from './web/operator-host';

export interface RunningWebHost extends WebHost {
  kiosk: Kiosk;
}

export async function startWebHost(opts: {
  appRoot?: string;
  port?: number;
  env?: Record<string, string | undefined>;
  log?: Logger;
  kiosk?: Kiosk;
} = {}): Promise<RunningWebHost> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? createLogger({ scope: 'web-host', level: parseLogLevel(env.RENZHENG_LOG_LEVEL) });
  const appRoot = opts.appRoot ?? findAppRoot(import.meta.dirname);
  const kiosk =
    opts.kiosk ?? (await createKiosk({ appRoot, dataDir: defaultDataDir(env), shell: 'web', log, env }));
  const host = await startWebServer({
    rendererDir: rendererDirFrom(appRoot),
    dispatch: createDispatcher(kiosk.handlers, log.child('ws')),
    bus: kiosk.bus,
    log,
    port: opts.port ?? (env.RENZHENG_PORT ? Number(env.RENZHENG_PORT) : 0),
  });
  // The operator surface: its own server, port and token, opened only by the PIN (operator.unlock).
  const operator = webOperatorHost(kiosk, { rendererDir: rendererDirFrom(appRoot), log: log.child('operator-host') });
  kiosk.setOperatorOpener(() => operator.open(), () => operator.signOut());
  await kiosk.start();
  return {
    ...host,
    kiosk,
    close: async () => {
      await operator.close();
      await host.close();
      await kiosk.stop();
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const host = await startWebHost();
  process.stdout.write(`Renzheng kiosk (web shell) at ${host.url}\n`);
  // The printed URL opens the kiosk once; staff who need another (a second browser, a used link) ask for it.
  process.on('SIGUSR2', () => process.stdout.write(`Renzheng kiosk (web shell), new one-time link: ${host.openUrl()}\n`));
  const shutdown = () => void host.close().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
