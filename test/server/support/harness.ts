import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Agent } from 'node:http';
import axios from 'axios';
import { axiosTransport, CloudauthClient, type ResponseFormat } from '../../../cloudauth';
import { createAccessKey, type NewAccessKey } from '../../../server/admin';
import { createServerLogger } from '../../../server/log';
import type { Scheme } from '../../../server/repository/types';
import { serverKeys, startServer, type RunningServer, type ServerOptions } from '../../../server/start';
import { fakeFace, type FakeFace } from './fake-face';

export interface TestServer {
  server: RunningServer;
  url: string;
  dataDir: string;
  env: Record<string, string>;
  key: NewAccessKey;
  face: FakeFace;
  /** Added to the server's clock (the client's clock too, for clients made after setting it). */
  clockOffsetMs: number;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  logText: () => string;
  client(format?: ResponseFormat, key?: NewAccessKey): CloudauthClient;
  newKey(): Promise<NewAccessKey>;
  createBiz(name: string, scheme: Scheme): Promise<void>;
  restart(overrides?: Partial<ServerOptions>): Promise<void>;
  close(): Promise<void>;
}

export function masterKeyEnv(): Record<string, string> {
  return { RENZHENG_SERVER_MASTER_KEY: randomBytes(32).toString('base64') };
}

/** A service on 127.0.0.1 with a fake face engine (unless one is given), a key and the biz RPMinBiz (RPMin). */
export async function startTestServer(overrides: Partial<ServerOptions> & { dataDir?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'renzheng-server-'));
  const env = overrides.env ?? masterKeyEnv();
  const face = fakeFace();
  const logs: Record<string, unknown>[] = [];
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw += chunk.toString('utf8');
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const options = (): ServerOptions => ({ dataDir, env, face, logger: createServerLogger({ destination }), keyCacheMs: 0, now: () => new Date(Date.now() + t.clockOffsetMs), ...overrides });
  let t: TestServer;
  let server = await startServer(options());
  const keys = serverKeys(dataDir, env);
  t = {
    server,
    url: server.url,
    dataDir,
    env,
    key: await createAccessKey(server.repo, keys.secrets),
    face,
    clockOffsetMs: 0,
    logs,
    logText: () => raw,
    client(format = 'JSON', key = t.key) {
      return new CloudauthClient({ endpoint: t.url, accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret, format, retry: { maxAttempts: 1 }, timeoutMs: 20_000,
        // One connection per request: a pooled socket would outlive a restarted server.
        transport: axiosTransport(axios.create({ httpAgent: new Agent({ keepAlive: false }) })),
        clock: () => new Date(Date.now() + t.clockOffsetMs) });
    },
    newKey: () => createAccessKey(t.server.repo, keys.secrets),
    async createBiz(name, scheme) {
      await t.server.repo.createBiz({ name, scheme, createdAt: new Date() });
    },
    async restart(more = {}) {
      await t.server.close();
      const port = Number(new URL(t.url).port);
      server = await startServer({ ...options(), port, ...more });
      t.server = server;
    },
    async close() {
      await t.server.close();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await t.createBiz('RPMinBiz', 'RPMin');
  return t;
}
