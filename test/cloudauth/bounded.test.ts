import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudauthClient, insecureEndpointProblem } from '../../cloudauth/client';
import { CloudauthInputError, CloudauthProtocolError } from '../../cloudauth/errors';
import { MAX_RESPONSE_BYTES } from '../../cloudauth/transport';
import { KEY_ID, KEY_SECRET, TINY_JPEG } from './support/client';

const COMPARE = { SourceImageType: 'FacePic', SourceImageValue: TINY_JPEG, TargetImageType: 'IDPic', TargetImageValue: TINY_JPEG } as const;

describe('cloudauth client bounds', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it('stops reading a 400 MB answer at the cap with a typed, non-retried error and bounded memory', async () => {
    let served = 0;
    let requests = 0;
    server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const total = 400 * 1024 * 1024;
      const pump = () => {
        while (served < total * requests) {
          served += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const client = new CloudauthClient({ endpoint: `http://127.0.0.1:${port}`, accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET, timeoutMs: 30_000, sleep: async () => undefined });
    const before = process.memoryUsage().rss;
    const error = await client.compareFaces(COMPARE).catch((e: unknown) => e);
    const grown = process.memoryUsage().rss - before;
    expect(error).toBeInstanceOf(CloudauthProtocolError);
    expect(error).toMatchObject({ code: 'ResponseTooLarge', retryable: false });
    expect(requests).toBe(1);
    // The cap is 4 MB; the whole answer would be 400 MB (1.33 GB RSS before the fix).
    expect(served).toBeLessThan(400 * 1024 * 1024);
    expect(grown).toBeLessThan(100 * 1024 * 1024);
    expect(MAX_RESPONSE_BYTES).toBeLessThanOrEqual(8 * 1024 * 1024);
  }, 60_000);

  it('refuses a plain http:// endpoint off this machine unless explicitly allowed', () => {
    const make = (endpoint: string, allowInsecureHttp?: boolean) => () =>
      new CloudauthClient({ endpoint, accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET, allowInsecureHttp });
    expect(make('http://cloudauth.example.com')).toThrow(CloudauthInputError);
    expect(make('http://cloudauth.example.com')).toThrow(/plain http:\/\/ off this machine/);
    expect(make('http://cloudauth.example.com', true)).not.toThrow();
    expect(make('https://cloudauth.aliyuncs.com')).not.toThrow();
    for (const loopback of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']) {
      expect(insecureEndpointProblem(loopback, false)).toBeUndefined();
    }
    // A name that merely starts like loopback is not loopback.
    expect(insecureEndpointProblem('http://127.0.0.1.evil.example', false)).toMatch(/off this machine/);
  });
});
