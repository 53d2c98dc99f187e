import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createChallengeJudge } from '../../capture/challenges';
import { noseOffset, turnToOwnLeft } from '../../capture/landmarks';
import { assessQuality } from '../../capture/quality';
import { CaptureSession } from '../../capture/session';
import type { FrameObservation } from '../../capture/types';
import { ActiveChallenge } from '../../contract';
import { fixtures, headFrameRgb, twoPeopleFrameRgb, VIDEO, type HeadName } from '../renderer/capture-videos';
import { createCaptureHuman, observeFrame } from './human-node';

// Real Human detections of the e2e videos' frames, judged by the pure capture core.
const gate = { minFaceRatio: 0.18, maxYawRad: 0.35, maxPitchRad: 0.35, minSharpness: 0.25 };
const { width, height } = VIDEO;
const frames = new Map<string, FrameObservation>();

beforeAll(async () => {
  const human = await createCaptureHuman();
  const heads: HeadName[] = ['linda', 'cgiFrontal', 'cgiOwnLeft', 'cgiOwnRight'];
  for (const name of heads) frames.set(name, await observeFrame(human, await headFrameRgb(name), width, height));
  frames.set('two', await observeFrame(human, await twoPeopleFrameRgb(), width, height));
  const background = await sharp(fixtures.background).resize(width, height, { fit: 'contain' }).removeAlpha().raw().toBuffer();
  frames.set('background', await observeFrame(human, background, width, height));
  const blurred = await sharp(await headFrameRgb('linda'), { raw: { width, height, channels: 3 } }).blur(6).raw().toBuffer();
  frames.set('linda-blurred', await observeFrame(human, blurred, width, height));
}, 60_000);

function frame(name: string, timeMs = 0): FrameObservation {
  return { ...frames.get(name)!, timeMs };
}

describe('quality gate on real detections', () => {
  it('passes a steady frontal face', () => {
    expect(assessQuality(frame('linda'), gate)).toMatchObject({ ok: true, issues: [] });
    expect(assessQuality(frame('cgiFrontal'), gate)).toMatchObject({ ok: true, issues: [] });
  });
  it('refuses no face, two faces, turned heads and blur', () => {
    expect(assessQuality(frame('background'), gate).issues).toEqual(['no-face']);
    expect(assessQuality(frame('two'), gate).issues).toEqual(['multiple-faces']);
    expect(assessQuality(frame('cgiOwnLeft'), gate).issues).toContain('turned');
    expect(assessQuality(frame('cgiOwnRight'), gate).issues).toContain('turned');
    expect(assessQuality(frame('linda-blurred'), gate).issues).toContain('blurry');
  });
});

describe('head-turn direction', () => {
  it("is the person's own side: the nose points to the image's right when they turn to their left", () => {
    const left = frame('cgiOwnLeft').faces[0]!;
    const right = frame('cgiOwnRight').faces[0]!;
    expect(noseOffset(left)).toBeGreaterThan(0.2);
    expect(turnToOwnLeft(left)).toBeGreaterThan(gate.maxYawRad);
    expect(noseOffset(right)).toBeLessThan(-0.2);
    expect(turnToOwnLeft(right)).toBeLessThan(-gate.maxYawRad);
  });

  it.each([
    ['turn-left', 'cgiOwnLeft', true],
    ['turn-left', 'cgiOwnRight', false],
    ['turn-right', 'cgiOwnRight', true],
    ['turn-right', 'cgiOwnLeft', false],
  ] as const)('%s after frontal then %s: passed=%s', (challenge, turned, passes) => {
    const judge = createChallengeJudge(challenge, gate);
    judge.feed(frame('cgiFrontal').faces[0]!);
    expect(judge.feed(frame(turned).faces[0]!).state === 'passed').toBe(passes);
  });
});

describe('a still picture', () => {
  it.each(ActiveChallenge.options)('never passes %s', (challenge) => {
    for (const still of ['linda', 'cgiFrontal']) {
      const judge = createChallengeJudge(challenge, gate);
      const face = frame(still).faces[0]!;
      for (let i = 0; i < 60; i++) expect(judge.feed(face).state).not.toBe('passed');
      expect(judge.score).toBeLessThan(judge.threshold);
    }
  });

  it('completes the capture with a failed liveness record once the challenge times out', () => {
    const settings = { ...gate, antispoofMin: 0.5, livenessMin: 0.5, activeChallenges: ['blink' as const], challengeTimeoutMs: 2000, captureTimeoutMs: 30_000 };
    const session = new CaptureSession(settings, 'blink', 0);
    let result = null;
    for (let t = 0; t <= 5000 && !result; t += 100) result = session.feed(frame('linda', t)).result;
    expect(result).not.toBeNull();
    expect(result!.liveness.passed).toBe(false);
    expect(result!.liveness.checks.find((c) => c.name === 'active-blink')).toMatchObject({ ran: true, passed: false });
  });
});
