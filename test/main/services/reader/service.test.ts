import { afterEach, describe, expect, it } from 'vitest';
import { ContractError } from '../../../../contract';
import { sampleCards } from '../../../../idcard/synthetic';
import { encodeBmp24 } from '../../../../imaging/bmp';
import { rig, simCard } from './harness';

let current: ReturnType<typeof rig> | null = null;
afterEach(async () => {
  await current?.service.stop();
  current = null;
});
function start(opts?: Parameters<typeof rig>[0]) {
  current = rig(opts);
  void current.service.start();
  return current;
}
const reads = (r: ReturnType<typeof rig>) => r.device.log.filter((c) => c === 'read-base').length;

describe('reader service over the SAM simulator', () => {
  it('reads a presented card once, leaves a resting card alone, and reads it again when re-presented', async () => {
    const r = start();
    await r.until('ready', () => r.service.status().state === 'ready');
    expect(r.service.status().transport).toBe('serial');
    await new Promise((res) => setTimeout(res, 40));
    expect(r.of('reader.card')).toHaveLength(0);

    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
    const first = r.of('reader.card')[0]!;
    expect(first).toMatchObject({ type: 'resident', name: '张测试', sex: 'female', idNumberMasked: '110105********002X', validUntil: 'long-term', expired: false, photo: null });
    expect(first.warnings).toEqual(['photo-decoder-missing']);
    expect(r.service.heldCard(first.cardId)?.identity.idNumber).toBe('11010519491231002X');

    // The card rests on the reader: FIND answers 80 and nothing is re-read.
    const findsBefore = r.device.log.filter((c) => c === 'find-card').length;
    await r.until('more polls', () => r.device.log.filter((c) => c === 'find-card').length > findsBefore + 10);
    expect(reads(r)).toBe(1);
    expect(r.of('reader.card')).toHaveLength(1);

    r.device.remove();
    r.device.present(simCard(sampleCards.hkmotw));
    await r.until('second card', () => r.of('reader.card').length === 2);
    expect(r.of('reader.cardRemoved')).toEqual([{ cardId: first.cardId }]);
    expect(r.service.heldCard(first.cardId)).toBeUndefined();
    expect(r.of('reader.card')[1]!.type).toBe('hkmotw');
    expect(r.of('reader.error')).toEqual([]);
  });

  it('reports a card pulled mid-read (truncated reply) and reads it when placed again', async () => {
    const r = start();
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.injectFault('read-base', { kind: 'truncate', bytes: 600 });
    r.device.present(simCard());
    await r.until('error', () => r.of('reader.error').length === 1);
    expect(r.of('reader.error')[0]).toMatchObject({ code: 'card-read-failed', sw3: null });
    expect(r.of('reader.error')[0]!.message).toMatch(/timeout|no complete reply/);
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
    expect(r.service.status().state).toBe('ready');
  });

  it('recovers from a reply with a bad checksum', async () => {
    const r = start();
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.injectFault('find-card', { kind: 'corrupt-checksum' });
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
    expect(r.of('reader.error').map((e) => e.code)).toEqual(['protocol']);
    expect(r.of('reader.error')[0]!.message).toMatch(/checksum/);
  });

  it('resends a FIND the SAM received damaged (SW3 10) without bothering anyone', async () => {
    const r = start();
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.injectFault('find-card', { kind: 'status', sw3: 0x10 });
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
    expect(r.of('reader.error')).toEqual([]);
  });

  it('rides out a silent command, and reconnects after a device that stays silent', async () => {
    const r = start();
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.injectFault('find-card', { kind: 'silent' });
    await r.until('timeout error', () => r.of('reader.error').length === 1);
    expect(r.of('reader.error')[0]!.message).toMatch(/find-card: no complete reply within 250 ms/);
    r.device.injectFault('*', { kind: 'silent' }, 3);
    await r.until('unresponsive', () => r.of('reader.error').some((e) => e.code === 'reader-unresponsive'));
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
    expect(r.sources.length).toBeGreaterThanOrEqual(2);
  });

  it('drains a late reply so it is not taken as the answer to the next command', async () => {
    const r = start();
    await r.until('ready', () => r.service.status().state === 'ready');
    // SELECT answers 320 ms late (after its 250 ms deadline, inside the 150 ms drain); the next FIND must not see that 90.
    r.device.injectFault('select-card', { kind: 'late', delayMs: 320 });
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
    expect(r.of('reader.error').map((e) => e.code)).toEqual(['card-read-failed']);
    expect(r.of('reader.error').some((e) => e.code === 'protocol')).toBe(false);
  });

  it('reads through replies fragmented into 1-64 byte chunks with 0-7 junk bytes before each frame', async () => {
    const r = start({ device: { garbageMax: 7, seed: 99 }, link: { fragment: { min: 1, max: 64 }, seed: 5 } });
    await r.until('ready', () => r.service.status().state === 'ready');
    for (let i = 1; i <= 3; i++) {
      r.device.remove();
      r.device.present(simCard(i === 2 ? sampleCards.foreign2023 : sampleCards.resident));
      await r.until(`card ${i}`, () => r.of('reader.card').length === i);
    }
    expect(r.of('reader.card').map((c) => c.type)).toEqual(['resident', 'foreign2023', 'resident']);
    expect(r.of('reader.error')).toEqual([]);
  });

  it('raises a SAM self-test failure (60), resets the SAM and carries on', async () => {
    const r = start({ device: { resetRecovers: true } });
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.setHealth('self-test-failed');
    await r.until('sam fault', () => r.of('reader.error').some((e) => e.code === 'sam-fault'));
    expect(r.of('reader.error').find((e) => e.code === 'sam-fault')!.sw3).toBe(0x60);
    expect(r.of('reader.status').some((s) => s.state === 'sam-fault')).toBe(true);
    expect(r.device.log).toContain('reset-sam');
    await r.until('ready again', () => r.service.status().state === 'ready');
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
  });

  it('keeps alerting on an unauthorised SAM (66) and resumes once it is fixed', async () => {
    const r = start({ device: { samHealth: 'unauthorised' } });
    await r.until('sam fault', () => r.service.status().state === 'sam-fault');
    expect(r.of('reader.error')[0]).toMatchObject({ code: 'sam-fault', sw3: 0x66 });
    await new Promise((res) => setTimeout(res, 150));
    expect(r.service.status().state).toBe('sam-fault');
    r.device.setHealth('ok');
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
  });

  it('survives a hot-unplug mid-command and picks the reader up again', async () => {
    const r = start();
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.injectFault('read-base', { kind: 'unplug' });
    r.device.present(simCard());
    await r.until('detached', () => r.of('reader.error').some((e) => e.code === 'reader-detached'));
    expect(r.service.status()).toMatchObject({ state: 'searching', transport: null });
    await new Promise((res) => setTimeout(res, 60));
    expect(r.service.status().state).toBe('searching');
    r.link.plug();
    await r.until('ready again', () => r.service.status().state === 'ready');
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
  });

  it('reports a non-ID card once, and resets the SAM after repeated read failures', async () => {
    const r = start();
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.injectFault('read-base', { kind: 'status', sw3: 0x40 }, 3);
    r.device.present(simCard());
    await r.until('three reads', () => reads(r) >= 3);
    expect(r.of('reader.error').filter((e) => e.code === 'card-unsupported')).toEqual([
      { code: 'card-unsupported', message: expect.any(String), sw3: 0x40 },
    ]);
    await r.until('card', () => r.of('reader.card').length === 1);

    r.device.injectFault('read-base', { kind: 'status', sw3: 0x41, sw1: 0x6a, sw2: 0x82 }, 3);
    r.device.present(simCard());
    await r.until('reset', () => r.device.log.includes('reset-sam'));
    expect(r.of('reader.error').find((e) => e.code === 'card-read-failed')!.sw3).toBe(0x41);
    await r.until('second card', () => r.of('reader.card').length === 2);
  });

  it('rejects a card whose text fails validation, with no card event', async () => {
    const r = start();
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.present(simCard({ ...sampleCards.resident, idNumber: '110105194912310021' }));
    await r.until('error', () => r.of('reader.error').length === 1);
    expect(r.of('reader.error')[0]).toMatchObject({ code: 'card-invalid', sw3: null });
    expect(r.of('reader.card')).toEqual([]);
  });

  it('decodes the photo through the configured decoder, and survives one that fails', async () => {
    const bmp = encodeBmp24({ width: 102, height: 126, data: new Uint8Array(102 * 126 * 3).fill(128) });
    let fail = false;
    const r = start({ loop: { decodePhoto: async (wlt) => {
      if (fail) throw new Error('decoder crashed (exit code 139)');
      expect(wlt.subarray(0, 4)).toEqual(Uint8Array.of(0x57, 0x4c, 0x66, 0x00));
      return bmp;
    } } });
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
    const card = r.of('reader.card')[0]!;
    expect(card.photo?.mime).toBe('image/bmp');
    expect(Buffer.from(card.photo!.base64, 'base64').equals(bmp)).toBe(true);
    expect(card.warnings).toEqual([]);
    expect(r.service.heldCard(card.cardId)?.photo?.bytes.length).toBe(38862);

    fail = true;
    r.device.present(simCard());
    await r.until('second card', () => r.of('reader.card').length === 2);
    expect(r.of('reader.card')[1]).toMatchObject({ photo: null, warnings: ['photo-decode-failed'] });
    expect(r.of('reader.error').map((e) => e.code)).toEqual(['photo-decode-failed']);
  });

  it('checks SAM status while idle, and not while cards keep it busy', async () => {
    const r = start({ loop: { healthIntervalMs: 30 } });
    await r.until('ready', () => r.service.status().state === 'ready');
    const statusChecks = () => r.device.log.filter((c) => c === 'sam-status').length;
    await r.until('idle health checks', () => statusChecks() >= 4);
    // A status check that times out counts toward the reader being unresponsive.
    r.device.injectFault('sam-status', { kind: 'silent' });
    await r.until('timeout', () => r.of('reader.error').some((e) => /sam-status/.test(e.message)));
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
  });

  it('refuses simulate() on a real reader, and never logs names or full ID numbers', async () => {
    const r = start();
    await expect(r.service.simulate('present')).rejects.toBeInstanceOf(ContractError);
    await expect(r.service.simulate('present')).rejects.toMatchObject({ code: 'unavailable' });
    await r.until('ready', () => r.service.status().state === 'ready');
    r.device.present(simCard());
    await r.until('card', () => r.of('reader.card').length === 1);
    const logText = r.logs.join('\n');
    expect(logText).toContain('110105********002X');
    expect(logText).not.toContain('11010519491231002X');
    expect(logText).not.toContain('张测试');
    expect(logText).not.toContain('朝阳区');
    r.service.forget();
    expect(r.service.heldCard(r.of('reader.card')[0]!.cardId)).toBeUndefined();
  });
});
