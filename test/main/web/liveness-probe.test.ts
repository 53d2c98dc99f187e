import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardPublic, LivenessRecord, VerifyChallenge, VerifyResult } from '../../../contract';
import { decodeBmp } from '../../../imaging/bmp';
import type { RunningWebHost } from '../../../main/web-host';
import { chipPhotoFrom, VLADO1_HEAD } from '../../support/verify-fixtures';
import { FakeReader } from '../../support/fake-reader';
import { RecordingProvider, startTestWebHost } from '../../support/test-kiosk';
import { connectContract, type WsContract } from '../../support/ws-contract';

// Issue 14's probe, through the web host as a local process would send it: the card's own chip
// photo (from the reader.card event) as the "live" JPEG, with a liveness record of its choosing.
// The provider double would say "pass" to anything: every refusal here is main's.

function everyCheckClaimed(challenge: LivenessRecord['challenge']): LivenessRecord {
  const checks: LivenessRecord['checks'] = [
    { name: 'passive-antispoof', ran: true, score: 0.99, threshold: 0.5, passed: true },
    { name: 'passive-liveness', ran: true, score: 0.99, threshold: 0.5, passed: true },
  ];
  if (challenge) checks.push({ name: `active-${challenge}`, ran: true, score: 0.99, threshold: 0.35, passed: true });
  return { passed: true, challenge, checks, durationMs: 500 };
}

describe('a local process submitting the chip photo as the live face', () => {
  let host: RunningWebHost;
  let client: WsContract;
  let card: CardPublic;
  let chipJpeg: Buffer;
  let chipJpegLarge: Buffer;
  const provider = new RecordingProvider();

  beforeAll(async () => {
    const chip = await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD);
    host = await startTestWebHost({ provider, reader: (bus) => new FakeReader(bus, { mime: 'image/bmp', bytes: chip }) });
    client = await connectContract(host);
  });
  afterAll(async () => {
    client.close();
    await host.close();
  });

  async function presentCard(): Promise<void> {
    client.events.length = 0;
    await client.call('reader.simulate', { action: 'present' });
    await expect.poll(() => client.events.find((e) => e.event === 'reader.card')).toBeDefined();
    card = client.events.find((e) => e.event === 'reader.card')!.payload as CardPublic;
    const image = decodeBmp(Buffer.from(card.photo!.base64, 'base64'));
    const raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
    chipJpeg = await raw.clone().jpeg().toBuffer();
    // Scaled up past the size the capture gate guarantees, as an attacker who knows that check would.
    chipJpegLarge = await raw.clone().resize(408, 504).jpeg().toBuffer();
  }

  async function submitAndWait(image: Buffer, liveness: (challenge: VerifyChallenge['challenge']) => LivenessRecord): Promise<VerifyResult> {
    const challenge = await client.call('verify.challenge', { cardId: card.cardId });
    expect(challenge).toMatchObject({ ok: true });
    const issued = challenge.value as VerifyChallenge;
    const submitted = await client.call('verify.submit', {
      cardId: card.cardId, challengeId: issued.challengeId,
      image: { mime: 'image/jpeg', base64: image.toString('base64') }, liveness: liveness(issued.challenge),
    });
    expect(submitted).toMatchObject({ ok: true });
    await expect.poll(() => client.events.find((e) => e.event === 'verify.result')).toBeDefined();
    return client.events.find((e) => e.event === 'verify.result')!.payload as VerifyResult;
  }

  it('gets a validation error, not a verdict, for the issue\'s exact probe (no challenge from main)', async () => {
    await presentCard();
    const answer = await client.call('verify.submit', {
      cardId: card.cardId, image: { mime: 'image/jpeg', base64: chipJpeg.toString('base64') },
      liveness: { passed: true, checks: [], challenge: null, durationMs: 0 },
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('fails with liveness-failed when the record claims a pass with no checks', async () => {
    await presentCard();
    const result = await submitAndWait(chipJpegLarge, (challenge) => ({ passed: true, checks: [], challenge, durationMs: 0 }));
    expect(result).toMatchObject({ verdict: 'fail', reason: 'liveness-failed', score: null });
    expect(provider.inputs).toHaveLength(0);
  });

  it('fails with liveness-failed even when the record claims every check passed', async () => {
    await presentCard();
    const result = await submitAndWait(chipJpegLarge, everyCheckClaimed);
    expect(result).toMatchObject({ verdict: 'fail', reason: 'liveness-failed', score: null });
    await presentCard();
    const small = await submitAndWait(chipJpeg, everyCheckClaimed);
    expect(small).toMatchObject({ verdict: 'fail', reason: 'liveness-failed', score: null });
    expect(provider.inputs).toHaveLength(0);
  });
});
