import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWebHost } from '../../../main/web-host';
import { startTestWebHost } from '../../support/test-kiosk';
import { connectContract } from '../../support/ws-contract';

// The rows of issue 14's table, sent as a local process would (loopback only). Before the fix each
// of these ended the host process (vitest reports the uncaught error) or stalled everyone else.

/** A raw TCP client that sends a WebSocket upgrade with a wrong cookie and resets the connection. */
function upgradeThenReset(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /contract HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nCookie: renzheng_token=wrong\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      // RST instead of FIN, while the host is answering 403 on the raw upgrade socket.
      setImmediate(() => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    socket.on('error', () => resolve());
  });
}

function nested(depth: number): string {
  return `{"id":1,"channel":"system.info","payload":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

describe('web host under hostile input', () => {
  let host: RunningWebHost;
  beforeAll(async () => {
    host = await startTestWebHost();
  });
  afterAll(async () => host.close());

  it('survives a WebSocket upgrade with a wrong token followed by a TCP reset', async () => {
    for (let i = 0; i < 20; i++) await upgradeThenReset(host.port);
    await new Promise((r) => setTimeout(r, 100));
    const client = await connectContract(host);
    expect(await client.call('system.info', {})).toMatchObject({ ok: true });
    client.close();
  });

  it('answers the message null (and other non-frames) with a typed error and keeps the socket', async () => {
    const client = await connectContract(host);
    for (const text of ['null', '42', '"system.info"', '[]', '{"id":{},"channel":"system.info"}', '{"id":1,"channel":"system.info","extra":1}']) {
      client.sendRaw(text);
    }
    await expect.poll(() => client.errors.length).toBe(6);
    for (const error of client.errors) expect(error).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await client.call('system.info', {})).toMatchObject({ ok: true });
    client.close();
  });

  it('closes only the connection that sent invalid UTF-8', async () => {
    const bystander = await connectContract(host);
    const offender = await connectContract(host);
    offender.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect((await offender.whenClosed()).code).toBe(1007);
    expect(await bystander.call('system.info', {})).toMatchObject({ ok: true });
    bystander.close();
  });

  it('closes only the connection that sent a message over the limit, per channel', async () => {
    const bystander = await connectContract(host);
    const huge = await connectContract(host);
    huge.sendRaw(`{"id":1,"channel":"verify.submit","payload":"${'A'.repeat(4 * 1024 * 1024)}"}`);
    expect((await huge.whenClosed()).code).toBe(1009);
    // 100 KB is fine for verify.submit but far over what system.info ever needs.
    const small = await connectContract(host);
    small.sendRaw(`{"id":1,"channel":"system.info","payload":{"pad":"${'A'.repeat(100 * 1024)}"}}`);
    expect((await small.whenClosed()).code).toBe(1009);
    expect(await bystander.call('system.info', {})).toMatchObject({ ok: true });
    bystander.close();
  });

  it('does not let a deeply nested message stall another socket', async () => {
    const bystander = await connectContract(host);
    await bystander.call('system.info', {});
    const offenders = await Promise.all([connectContract(host), connectContract(host)]);
    offenders[0]!.sendRaw(nested(1_900_000)); // 3.8 MB, the probe
    offenders[1]!.sendRaw(nested(1_400_000)); // 2.8 MB, under the size limit: only the nesting check stops it
    const started = performance.now();
    expect(await bystander.call('system.info', {})).toMatchObject({ ok: true });
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await offenders[0]!.whenClosed()).code).toBe(1009);
    expect((await offenders[1]!.whenClosed()).code).toBe(1008);
    bystander.close();
  });

  it('answers a flood of calls on one connection with busy rather than queueing without bound', async () => {
    const client = await connectContract(host);
    const answers = await Promise.all(Array.from({ length: 40 }, () => client.call('system.info', {})));
    expect(answers.some((a) => a.ok)).toBe(true);
    expect(answers.some((a) => !a.ok && a.error.code === 'busy')).toBe(true);
    expect(answers.every((a) => a.ok || a.error.code === 'busy')).toBe(true);
    client.close();
  });
});
