import { describe, expect, it } from 'vitest';
import { Commands } from '../../../idcard/commands';
import { IdCardError } from '../../../idcard/errors';
import { SamDeviceSim } from '../../../idcard/sim-device';
import { SamError } from '../../../idcard/status';
import { SamClient } from '../../../native/sam/sam-client';
import { SimulatedLink } from '../../../native/sam/simulated-link';
import { TransportError } from '../../../native/transport';

async function connected(device = new SamDeviceSim(), drainMs = 150) {
  const link = new SimulatedLink(device);
  const transport = link.transport();
  await transport.open();
  return { device, link, client: new SamClient(transport, { drainMs }) };
}

describe('SAM client', () => {
  it('runs commands strictly one at a time, in order', async () => {
    const { client, device } = await connected();
    const replies = await Promise.all([client.send(Commands.samStatus, 200), client.send(Commands.findCard, 200), client.send(Commands.samId, 200)]);
    expect(replies.map((r) => r.sw3)).toEqual([0x90, 0x80, 0x90]);
    expect(replies[2]!.data).toHaveLength(16);
    expect(device.log).toEqual(['sam-status', 'find-card', 'sam-id']);
  });

  it('times out, drops the late reply, and answers the next command correctly', async () => {
    const { client, device } = await connected();
    device.injectFault('sam-id', { kind: 'late', delayMs: 100 });
    await expect(client.send(Commands.samId, 50)).rejects.toMatchObject({ code: 'timeout' });
    const next = await client.send(Commands.findCard, 200);
    expect(next.sw3).toBe(0x80);
    expect(next.data).toHaveLength(0);
    expect(client.lateFrames).toBe(1);
  });

  it('resends once when the SAM says our frame arrived damaged', async () => {
    const { client, device } = await connected();
    device.injectFault('sam-status', { kind: 'status', sw3: 0x10 });
    expect((await client.call(Commands.samStatus, 200)).sw3).toBe(0x90);
    expect(device.log).toEqual(['sam-status', 'sam-status']);
    device.injectFault('sam-status', { kind: 'status', sw3: 0x11 }, 2);
    await expect(client.call(Commands.samStatus, 200)).rejects.toBeInstanceOf(SamError);
  });

  it('fails a damaged reply as a checksum error', async () => {
    const { client, device } = await connected();
    device.injectFault('find-card', { kind: 'corrupt-checksum' });
    const error = await client.send(Commands.findCard, 200).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdCardError);
    expect((error as IdCardError).code).toBe('checksum');
  });

  it('fails the command in flight when the device is unplugged, and every later one', async () => {
    const { client, device } = await connected();
    device.injectFault('find-card', { kind: 'unplug' });
    await expect(client.send(Commands.findCard, 500)).rejects.toMatchObject({ name: 'TransportError', code: 'unplugged' });
    await expect(client.send(Commands.samStatus, 500)).rejects.toBeInstanceOf(TransportError);
    expect(client.closed).toBe(true);
  });
});
