import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ContractError, type CardPublic } from '../../../contract';
import type { RunningWebHost } from '../../../main/web-host';
import { createWsClient } from '../../../renderer/src/contract-client/ws-client';
import { startTestWebHost } from '../../support/test-kiosk';

// The browser WebSocket API, as the renderer uses it, provided by `ws` with the page's Origin.
function browserLikeWebSocket(origin: string, cookie: string): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { origin, headers: { cookie } });
    }
  } as unknown as typeof globalThis.WebSocket;
}

describe('renderer WebSocket contract client', () => {
  let host: RunningWebHost;
  let client: ReturnType<typeof createWsClient>;
  beforeAll(async () => {
    host = await startTestWebHost();
    const url = new URL(host.url);
    // The browser sends the HttpOnly cookie it got for the opening code; this stand-in sends it by hand.
    client = createWsClient(`ws://${url.host}/contract`, { WebSocketImpl: browserLikeWebSocket(url.origin, `renzheng_token=${host.token}`) });
  });
  afterAll(async () => {
    client.close();
    await host.close();
  });

  it('invokes channels and receives typed values', async () => {
    const info = await client.invoke('system.info', {});
    expect(info.shell).toBe('web');
    expect((await client.invoke('settings.public', {})).language).toBe('zh-CN');
  });

  it('turns error envelopes into ContractError with the code', async () => {
    const error = await client.invoke('verify.submit', { cardId: 'gone', challengeId: 'x', image: { mime: 'image/jpeg', base64: '/9j/4AAQ' }, liveness: { passed: true, challenge: null, checks: [], durationMs: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('not-found');
  });

  it('delivers pushed events to listeners until they unsubscribe', async () => {
    const cards: CardPublic[] = [];
    const off = client.on('reader.card', (card) => cards.push(card));
    await client.invoke('reader.simulate', { action: 'present' });
    await expect.poll(() => cards.length).toBe(1);
    off();
    await client.invoke('reader.simulate', { action: 'present' });
    await new Promise((r) => setTimeout(r, 50));
    expect(cards).toHaveLength(1);
  });
});
