import { CloudauthClient, type CloudauthClientOptions } from '../../../cloudauth/client';
import type { CloudauthTestServer } from './test-server';

export const KEY_ID = 'testid';
export const KEY_SECRET = 'testsecret';

/** Records backoff sleeps instead of waiting, so retry tests run in milliseconds. */
export function recordingSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    delays.push(ms);
    if (signal?.aborted) throw signal.reason;
  };
  return { delays, sleep };
}

export function clientFor(server: CloudauthTestServer, overrides: Partial<CloudauthClientOptions> = {}): CloudauthClient {
  return new CloudauthClient({
    endpoint: server.url,
    accessKeyId: KEY_ID,
    accessKeySecret: KEY_SECRET,
    sleep: recordingSleep().sleep,
    random: () => 0.5,
    ...overrides,
  });
}

/** A small but valid base64:// image value (1x1 JPEG). */
export const TINY_JPEG =
  'base64:///9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';
