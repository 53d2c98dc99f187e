import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ContractError, type CardPublic } from '../../../contract';
import { createDispatcher } from '../../../contract/dispatcher';
import { AuditLedger } from '../../../main/services/audit/audit-ledger';
import { EventBus } from '../../../main/services/events';
import { Kiosk } from '../../../main/services/kiosk';
import { PinGate } from '../../../main/services/operator/pin';
import { Settings } from '../../../main/services/settings';
import { FakeReader } from '../../support/fake-reader';
import { quietLog, RecordingProvider, repoRoot } from '../../support/test-kiosk';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

function kiosk(opts: { photo?: null; realReader?: boolean; pin?: string } = {}) {
  const bus = new EventBus();
  const cards: CardPublic[] = [];
  bus.subscribe((m) => m.event === 'reader.card' && cards.push(m.payload));
  const ledger = new AuditLedger(':memory:', Buffer.alloc(32, 9));
  let pin: PinGate | null = null;
  if (opts.pin) {
    pin = new PinGate(join(mkdtempSync(join(tmpdir(), 'rz-kh-')), 'pin.json'));
    pin.set(opts.pin);
  }
  const status = opts.realReader
    ? { state: 'ready' as const, transport: 'serial' as const, description: 'reader', canSimulate: false }
    : undefined;
  const k = new Kiosk({
    settings: Settings.parse({}), appVersion: '0', shell: 'web', log: quietLog, bus, localFaceBackends: [],
    provider: new RecordingProvider(), ledger, pin,
    createReader: (b) => new FakeReader(b, opts.photo === null ? null : { mime: 'image/jpeg', bytes: readFileSync(join(repoRoot, 'test/fixtures/camera/person-linda.jpg')) }, status),
  });
  return { k, cards, ledger, dispatch: createDispatcher(k.handlers, quietLog) };
}

const faceJpeg = async () => (await sharp(readFileSync(join(repoRoot, 'test/fixtures/camera/person-linda.jpg'))).extract({ left: 300, top: 0, width: 520, height: 520 }).jpeg().toBuffer()).toString('base64');

describe('kiosk channels for the flow', () => {
  it('records a manual check, masked, for a card whose photo cannot be decoded', async () => {
    const { k, cards, ledger } = kiosk({ photo: null });
    await k.reader.simulate('present');
    await k.handlers['session.manualCheck']({ cardId: cards[0]!.cardId });
    expect(ledger.search()).toMatchObject([{ verdict: 'manual-check', id_number_masked: '110105********002X', provider: 'none' }]);
  });

  it('presents a demo card made from the camera frame, and refuses to while a real reader is attached', async () => {
    const demo = kiosk();
    await demo.k.handlers['demo.faceCard']({ image: { mime: 'image/jpeg', base64: await faceJpeg() } });
    expect(demo.cards[0]).toMatchObject({ warnings: ['demo-card'], photo: { mime: 'image/bmp' } });
    // The verification finds the demo card like a card on the reader.
    const { challengeId } = await demo.k.handlers['verify.challenge']({ cardId: demo.cards[0]!.cardId });
    const { verificationId } = await demo.k.handlers['verify.submit']({
      cardId: demo.cards[0]!.cardId, challengeId, image: { mime: 'image/jpeg', base64: await faceJpeg() },
      liveness: { passed: true, challenge: null, checks: [], durationMs: 1 },
    });
    expect(verificationId).toBeTruthy();

    const real = kiosk({ realReader: true });
    await expect(real.k.handlers['demo.faceCard']({ image: { mime: 'image/jpeg', base64: await faceJpeg() } })).rejects.toBeInstanceOf(ContractError);
  });

  it('keeps the card held after a verdict so the person can retry, and forgets it on session reset', async () => {
    const { k, cards, dispatch } = kiosk();
    await k.reader.simulate('present');
    const cardId = cards[0]!.cardId;
    const image = { mime: 'image/jpeg', base64: await faceJpeg() };
    const liveness = { passed: true, challenge: null, checks: [], durationMs: 1 };
    // Each attempt answers a challenge of its own, issued by main for the held card.
    const attempt = async () => {
      const challenge = await dispatch('verify.challenge', { cardId });
      if (!challenge.ok) return challenge;
      const { challengeId } = challenge.value as { challengeId: string };
      return dispatch('verify.submit', { cardId, challengeId, image, liveness });
    };
    expect((await attempt()).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect((await attempt()).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    await dispatch('session.reset', {});
    expect(await attempt()).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('opens the operator surface only with the right PIN, and never without a PIN set', async () => {
    const none = kiosk();
    none.k.setOperatorOpener(async () => 'http://127.0.0.1:1/operator/index.html?token=t', () => undefined);
    expect(await none.k.handlers['operator.unlock']({ pin: '1234' })).toMatchObject({ ok: false, locked: true });

    const { k, ledger } = kiosk({ pin: '482916' });
    k.setOperatorOpener(async () => 'http://127.0.0.1:1/operator/index.html?token=t', () => undefined);
    expect(await k.handlers['operator.unlock']({ pin: '111111' })).toMatchObject({ ok: false, locked: false });
    expect(await k.handlers['operator.unlock']({ pin: '482916' })).toEqual({ ok: true, url: 'http://127.0.0.1:1/operator/index.html?token=t' });
    expect(ledger.operatorActions().map((a) => a.action)).toEqual(['unlock', 'unlock.refused']);
  });

  it('refuses operator channel names on the kiosk dispatcher', async () => {
    const { dispatch } = kiosk();
    expect(await dispatch('operator.settings.get', {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });
});
