import { describe, expect, it } from 'vitest';
import { backendCandidates, isSoftwareGl } from '../../capture/backend';
import { BestFrameTracker, frameScore } from '../../capture/best-frame';
import { createChallengeJudge, pickChallenge } from '../../capture/challenges';
import { cropRegion } from '../../capture/crop';
import { gateArrow, gatePrompt } from '../../capture/guidance';
import { laplacianVariance, meanLuma, sharpnessScore, toGray } from '../../imaging/metrics';
import { eyeOpenness, mouthOpenness, noseOffset, turnToOwnLeft } from '../../capture/landmarks';
import { assembleLivenessRecord, median } from '../../capture/liveness-record';
import { assessQuality } from '../../capture/quality';
import { CaptureSession, STEADY_FRAMES } from '../../capture/session';
import { goodPixels, syntheticFace, syntheticFrame } from './synthetic-face';

const gate = { minFaceRatio: 0.18, maxYawRad: 0.35, maxPitchRad: 0.35, minSharpness: 0.25 };
const settings = { ...gate, antispoofMin: 0.5, livenessMin: 0.5, activeChallenges: ['blink' as const], challengeTimeoutMs: 3000, captureTimeoutMs: 20_000 };

describe('landmark measures', () => {
  it('reads eye and mouth openness from the mesh', () => {
    expect(eyeOpenness(syntheticFace({ ear: 0.3 }))).toBeCloseTo(0.3, 5);
    expect(eyeOpenness(syntheticFace({ ear: 0.08 }))).toBeCloseTo(0.08, 5);
    expect(mouthOpenness(syntheticFace({ mar: 0.5 }))).toBeCloseTo(0.5, 5);
  });
  it("turns Human's yaw into a turn toward the person's own left, or falls back to the nose", () => {
    expect(turnToOwnLeft(syntheticFace({ yaw: -0.5 }))).toBeCloseTo(0.5);
    const noseRight = syntheticFace({ noPoseNoseOffset: 0.5 });
    expect(noseOffset(noseRight)).toBeCloseTo(0.5);
    expect(turnToOwnLeft(noseRight)).toBeCloseTo(Math.asin(0.5));
  });
});

describe('quality gate', () => {
  const issuesOf = (faces: ReturnType<typeof syntheticFace>[], pixels = goodPixels) => assessQuality(syntheticFrame(faces, 0, pixels), gate).issues;
  it('passes one good face and names every failing check', () => {
    expect(assessQuality(syntheticFrame([syntheticFace()]), gate)).toMatchObject({ ok: true, issues: [] });
    expect(issuesOf([])).toEqual(['no-face']);
    expect(issuesOf([syntheticFace(), syntheticFace({ box: { x: 20, y: 20, width: 150, height: 150 } })])).toEqual(['multiple-faces']);
    expect(issuesOf([syntheticFace({ box: { x: 280, y: 140, width: 80, height: 80 } })])).toEqual(['too-far']);
    expect(issuesOf([syntheticFace({ box: { x: 60, y: 0, width: 520, height: 360 } })])).toEqual(['too-close']);
    expect(issuesOf([syntheticFace({ box: { x: 440, y: 80, width: 180, height: 180 } })])).toEqual(['off-centre']);
    expect(issuesOf([syntheticFace({ yaw: 0.5 })])).toEqual(['turned']);
    expect(issuesOf([syntheticFace({ pitch: -0.5 })])).toEqual(['tilted']);
    expect(issuesOf([syntheticFace({ ear: 0.05 })])).toEqual(['eyes-closed']);
    expect(issuesOf([syntheticFace()], { meanLuma: 20, sharpness: 0.8 })).toEqual(['too-dark']);
    expect(issuesOf([syntheticFace()], { meanLuma: 240, sharpness: 0.8 })).toEqual(['too-bright']);
    expect(issuesOf([syntheticFace()], { meanLuma: 130, sharpness: 0.1 })).toEqual(['blurry']);
  });
  it('ignores a weak detection next to the person, and treats unknown pixels as a failure', () => {
    expect(issuesOf([syntheticFace(), syntheticFace({ score: 0.2, box: { x: 10, y: 10, width: 60, height: 60 } })])).toEqual([]);
    expect(assessQuality({ ...syntheticFrame([syntheticFace()]), pixels: null }, gate).issues).toEqual(['blurry']);
  });
});

describe('guidance', () => {
  const frame = syntheticFrame([syntheticFace()]);
  it('prompts the most important issue first and holds still otherwise', () => {
    expect(gatePrompt(['too-far', 'blurry'])).toBe('too-far');
    expect(gatePrompt([])).toBe('hold-still');
  });
  it("points arrows in the person's own frame", () => {
    // Turned to their own left (Human yaw < 0): turn back to their right.
    expect(gateArrow('turned', syntheticFace({ yaw: -0.6 }), frame)).toBe('right');
    expect(gateArrow('turned', syntheticFace({ yaw: 0.6 }), frame)).toBe('left');
    expect(gateArrow('tilted', syntheticFace({ pitch: 0.6 }), frame)).toBe('up');
    // Face near the image's right edge is on the person's left: move to their right.
    expect(gateArrow('off-centre', syntheticFace({ box: { x: 440, y: 80, width: 180, height: 180 } }), frame)).toBe('right');
    expect(gateArrow('blurry', syntheticFace(), frame)).toBeNull();
  });
});

describe('active challenges', () => {
  it('blink: open, closed, open again', () => {
    const judge = createChallengeJudge('blink', gate);
    expect(judge.feed(syntheticFace({ ear: 0.3 })).state).toBe('acting');
    expect(judge.feed(syntheticFace({ ear: 0.1 })).state).toBe('acting');
    expect(judge.feed(syntheticFace({ ear: 0.29 })).state).toBe('passed');
    expect(judge.score).toBeGreaterThanOrEqual(judge.threshold);
  });
  it('blink: eyes that close and stay closed do not pass', () => {
    const judge = createChallengeJudge('blink', gate);
    judge.feed(syntheticFace({ ear: 0.3 }));
    for (let i = 0; i < 20; i++) expect(judge.feed(syntheticFace({ ear: 0.1 })).state).not.toBe('passed');
  });
  it('open mouth: closed first, then wide', () => {
    const judge = createChallengeJudge('open-mouth', gate);
    // Already open at the start (a photo of an open mouth) is not a neutral start.
    expect(judge.feed(syntheticFace({ mar: 0.6 })).state).toBe('neutral');
    expect(judge.feed(syntheticFace({ mar: 0.05 })).state).toBe('acting');
    expect(judge.feed(syntheticFace({ mar: 0.2 })).progress).toBeCloseTo(0.2 / 0.35);
    expect(judge.feed(syntheticFace({ mar: 0.5 })).state).toBe('passed');
  });
  it('takes the blink and open-mouth thresholds from the settings', () => {
    // A half-closed blink passes the default (0.6) but not a stricter setting (0.3).
    const strict = createChallengeJudge('blink', { ...gate, blinkClosedRatio: 0.3 });
    strict.feed(syntheticFace({ ear: 0.3 }));
    strict.feed(syntheticFace({ ear: 0.15 }));
    expect(strict.feed(syntheticFace({ ear: 0.29 })).state).not.toBe('passed');
    expect(strict.threshold).toBeCloseTo(0.7);
    const mouth = createChallengeJudge('open-mouth', { ...gate, mouthOpenMin: 0.6 });
    mouth.feed(syntheticFace({ mar: 0.05 }));
    expect(mouth.feed(syntheticFace({ mar: 0.5 })).state).toBe('acting');
    expect(mouth.feed(syntheticFace({ mar: 0.65 })).state).toBe('passed');
  });
  it('turn: must start frontal and turn past the frontal limit to the asked side', () => {
    const judge = createChallengeJudge('turn-right', gate);
    // Starting already turned (a photo of a turned head) is not a frontal start.
    expect(judge.feed(syntheticFace({ yaw: 0.6 })).state).toBe('neutral');
    expect(judge.feed(syntheticFace({ yaw: 0 })).state).toBe('acting');
    expect(judge.feed(syntheticFace({ yaw: -0.6 })).state).toBe('acting');
    expect(judge.feed(syntheticFace({ yaw: 0.4 })).state).toBe('passed');
    expect(judge.threshold).toBe(gate.maxYawRad);
  });
  it('draws from the enabled challenges only', () => {
    expect(pickChallenge([])).toBeNull();
    expect(pickChallenge(['blink', 'open-mouth'], () => 0)).toBe('blink');
    expect(pickChallenge(['blink', 'open-mouth'], () => 0.9999)).toBe('open-mouth');
    expect(pickChallenge(['turn-left', 'turn-left'], () => 0.9)).toBe('turn-left');
  });
});

describe('liveness record', () => {
  it('records what ran, with medians against the thresholds', () => {
    const record = assembleLivenessRecord({
      passive: { antispoof: [0.9, 0.2, 0.8], liveness: [0.7, 0.6] },
      challenge: { challenge: 'blink', passed: true, score: 0.55, threshold: 0.4 },
      settings, durationMs: 1234.4,
    });
    expect(record).toEqual({
      passed: true, challenge: 'blink', durationMs: 1234,
      checks: [
        { name: 'passive-antispoof', ran: true, score: 0.8, threshold: 0.5, passed: true },
        { name: 'passive-liveness', ran: true, score: 0.65, threshold: 0.5, passed: true },
        { name: 'active-blink', ran: true, score: 0.55, threshold: 0.4, passed: true },
      ],
    });
  });
  it('fails when a configured check could not run or a score is low', () => {
    const noPassive = assembleLivenessRecord({ passive: { antispoof: [], liveness: [0.9] }, challenge: null, settings: { ...settings, activeChallenges: [] }, durationMs: 1 });
    expect(noPassive.passed).toBe(false);
    expect(noPassive.checks[0]).toMatchObject({ ran: false, passed: false, score: null });
    const missingChallenge = assembleLivenessRecord({ passive: { antispoof: [0.9], liveness: [0.9] }, challenge: null, settings, durationMs: 1 });
    expect(missingChallenge.checks.at(-1)).toMatchObject({ name: 'active-challenge', ran: false, passed: false });
    expect(missingChallenge.passed).toBe(false);
    expect(assembleLivenessRecord({ passive: { antispoof: [0.3], liveness: [0.9] }, challenge: null, settings: { ...settings, activeChallenges: [] }, durationMs: 1 }).passed).toBe(false);
    expect(median([])).toBeNull();
  });
});

describe('backend choice', () => {
  it('skips software GL and missing adapters, keeps wasm last', () => {
    const swiftshader = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
    expect(isSoftwareGl(swiftshader)).toBe(true);
    expect(isSoftwareGl('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareGl('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)')).toBe(false);
    expect(backendCandidates('auto', { webgpuAdapter: false, webglRenderer: swiftshader })).toEqual(['wasm']);
    expect(backendCandidates('auto', { webgpuAdapter: false, webglRenderer: null })).toEqual(['wasm']);
    expect(backendCandidates('auto', { webgpuAdapter: true, webglRenderer: 'Mesa Intel(R) UHD Graphics 620' })).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(backendCandidates('webgl', { webgpuAdapter: false, webglRenderer: swiftshader })).toEqual(['webgl', 'wasm']);
  });
});

describe('crop and best frame', () => {
  it('grows the face box by the margin, square, clamped to the frame', () => {
    expect(cropRegion({ x: 200, y: 100, width: 100, height: 100 }, { width: 640, height: 360 }, 0.5)).toEqual({ x: 150, y: 50, width: 200, height: 200 });
    expect(cropRegion({ x: 0, y: 0, width: 100, height: 100 }, { width: 640, height: 360 }, 0.5)).toEqual({ x: 0, y: 0, width: 150, height: 150 });
  });
  it('prefers larger, sharper, more frontal faces and keeps only improvements', () => {
    const small = frameScore(syntheticFace({ box: { x: 0, y: 0, width: 120, height: 120 } }), goodPixels, 640);
    const large = frameScore(syntheticFace({ box: { x: 0, y: 0, width: 240, height: 240 } }), goodPixels, 640);
    const turned = frameScore(syntheticFace({ box: { x: 0, y: 0, width: 240, height: 240 }, yaw: 0.3 }), goodPixels, 640);
    expect(large).toBeGreaterThan(small);
    expect(large).toBeGreaterThan(turned);
    const tracker = new BestFrameTracker<string>();
    expect(tracker.offer(small, 'small')).toBe(true);
    expect(tracker.offer(large, 'large')).toBe(true);
    expect(tracker.offer(turned, 'turned')).toBe(false);
    expect(tracker.current?.value).toBe('large');
  });
});

describe('capture session', () => {
  it('needs steady good frames, then completes without a challenge when none is enabled', () => {
    const session = new CaptureSession({ ...settings, activeChallenges: [] }, null, 0);
    for (let i = 0; i < STEADY_FRAMES - 1; i++) {
      const step = session.feed(syntheticFrame([syntheticFace()], i * 50));
      expect(step).toMatchObject({ phase: 'gate', prompt: 'hold-still', result: null });
    }
    const done = session.feed(syntheticFrame([syntheticFace()], 500));
    expect(done.phase).toBe('complete');
    expect(done.result?.liveness).toMatchObject({ passed: true, challenge: null, durationMs: 500 });
  });
  it('a bad frame resets the steady count', () => {
    const session = new CaptureSession(settings, 'blink', 0);
    for (let i = 0; i < STEADY_FRAMES - 1; i++) session.feed(syntheticFrame([syntheticFace()], i));
    expect(session.feed(syntheticFrame([], 10)).prompt).toBe('no-face');
    expect(session.feed(syntheticFrame([syntheticFace()], 11)).progress).toBeCloseTo(0.5 / STEADY_FRAMES);
  });
  it('runs the challenge after the gate and passes on a real blink', () => {
    const session = new CaptureSession(settings, 'blink', 0);
    let t = 0;
    for (let i = 0; i < STEADY_FRAMES; i++) session.feed(syntheticFrame([syntheticFace()], (t += 50)));
    expect(session.currentPhase).toBe('challenge');
    expect(session.feed(syntheticFrame([syntheticFace({ ear: 0.1 })], (t += 50))).prompt).toBe('challenge-blink');
    const step = session.feed(syntheticFrame([syntheticFace({ ear: 0.3 })], (t += 50)));
    expect(step.result?.liveness).toMatchObject({ passed: true, challenge: 'blink' });
  });
  it('starts over when the face jumps or vanishes mid-challenge', () => {
    const session = new CaptureSession(settings, 'blink', 0);
    let t = 0;
    for (let i = 0; i < STEADY_FRAMES; i++) session.feed(syntheticFrame([syntheticFace()], (t += 50)));
    const elsewhere = syntheticFace({ box: { x: 20, y: 80, width: 200, height: 200 } });
    expect(session.feed(syntheticFrame([elsewhere], (t += 50))).phase).toBe('gate');
    expect(session.restarts).toBe(1);
    for (let i = 0; i < STEADY_FRAMES; i++) session.feed(syntheticFrame([syntheticFace()], (t += 50)));
    expect(session.currentPhase).toBe('challenge');
    session.feed(syntheticFrame([], (t += 50)));
    expect(session.currentPhase).toBe('challenge');
    session.feed(syntheticFrame([], (t += 700)));
    expect(session.currentPhase).toBe('gate');
  });
  it('ends a failed challenge at its time limit, and gives up on a gate that never passes', () => {
    const session = new CaptureSession(settings, 'blink', 0);
    let t = 0;
    for (let i = 0; i < STEADY_FRAMES; i++) session.feed(syntheticFrame([syntheticFace()], (t += 50)));
    let step = session.feed(syntheticFrame([syntheticFace()], t + 1000));
    expect(step.result).toBeNull();
    step = session.feed(syntheticFrame([syntheticFace()], t + 3100));
    expect(step.result?.liveness.passed).toBe(false);
    const never = new CaptureSession(settings, 'blink', 0);
    expect(never.feed(syntheticFrame([], 19_000)).phase).toBe('gate');
    expect(never.feed(syntheticFrame([], 20_001))).toMatchObject({ phase: 'timed-out', prompt: 'timed-out' });
  });
});

describe('pixel measures', () => {
  it('measures light and focus', () => {
    const size = 32;
    const flat = new Uint8ClampedArray(size * size * 4).fill(128);
    const checker = new Uint8ClampedArray(size * size * 4);
    for (let i = 0; i < size * size; i++) {
      const v = ((i % size) + Math.floor(i / size)) % 2 ? 255 : 0;
      checker.set([v, v, v, 255], i * 4);
    }
    expect(meanLuma(flat)).toBeCloseTo(128);
    expect(laplacianVariance(toGray(flat, size, size), size, size)).toBe(0);
    expect(sharpnessScore(flat, size, size)).toBe(0);
    expect(sharpnessScore(checker, size, size)).toBeGreaterThan(0.9);
  });
});
