import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CAMERA_RECOVERY_MS, CameraController, openCamera, type CameraStatus } from '../../renderer/src/capture/camera';
import { PromptSpeaker } from '../../renderer/src/capture/speech';

// Camera recovery with stand-ins for MediaDevices and the video element (Node, no browser):
// what a real camera does when unplugged, busy or renumbered is simulated by getUserMedia's answers.

class FakeTrack extends EventTarget {
  stopped = false;
  stop() {
    this.stopped = true;
  }
  getSettings() {
    return { width: 640, height: 360 };
  }
}

class FakeMedia extends EventTarget {
  /** Answers for successive getUserMedia calls: a DOMException name to fail, or 'ok'. */
  answers: string[] = [];
  requests: MediaStreamConstraints[] = [];
  tracks: FakeTrack[] = [];
  async getUserMedia(constraints: MediaStreamConstraints) {
    this.requests.push(constraints);
    const answer = this.answers.shift() ?? 'ok';
    if (answer !== 'ok') throw Object.assign(new Error(answer), { name: answer });
    const track = new FakeTrack();
    this.tracks.push(track);
    return { getTracks: () => [track], getVideoTracks: () => [track] };
  }
}

const fakeVideo = () => ({ srcObject: null as unknown, play: async () => undefined, videoWidth: 640, videoHeight: 360 });
const request = { deviceId: null, width: 1280, height: 720 };

describe('camera recovery', () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
  });
  afterEach(() => vi.useRealTimers());

  function start(media: FakeMedia, req = request) {
    const statuses: CameraStatus[] = [];
    const video = fakeVideo();
    const controller = new CameraController(
      media as unknown as MediaDevices, video as unknown as HTMLVideoElement, req,
      (s) => statuses.push(s), async () => undefined, () => clock,
    );
    controller.start();
    return { controller, statuses, video, phases: () => statuses.map((s) => s.phase) };
  }

  it('retries a busy camera until it starts', async () => {
    const media = new FakeMedia();
    media.answers = ['NotReadableError', 'NotReadableError', 'ok'];
    const { phases, statuses, controller } = start(media);
    await vi.advanceTimersByTimeAsync(0);
    expect(phases()).toEqual(['starting', 'recovering']);
    expect(statuses[1]!.error?.code).toBe('busy');
    clock += 1000;
    await vi.advanceTimersByTimeAsync(1000);
    clock += 1000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(phases().at(-1)).toBe('live');
    expect(statuses.at(-1)).toMatchObject({ width: 640, height: 360, fellBack: false });
    controller.dispose();
  });

  it('reopens after the camera is unplugged, at once when devices change', async () => {
    const media = new FakeMedia();
    const { phases, video, controller } = start(media);
    await vi.advanceTimersByTimeAsync(0);
    expect(phases()).toEqual(['starting', 'live']);
    media.tracks[0]!.dispatchEvent(new Event('ended'));
    expect(media.tracks[0]!.stopped).toBe(true);
    expect(video.srcObject).toBeNull();
    expect(phases().slice(2)).toEqual(['recovering']);
    // Plugged back in: the devicechange event retries without waiting for the timer.
    media.dispatchEvent(new Event('devicechange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(phases().at(-1)).toBe('live');
    expect(media.requests).toHaveLength(2);
    // The pending timed retry was cancelled: a live camera is not reopened.
    await vi.advanceTimersByTimeAsync(3000);
    expect(media.requests).toHaveLength(2);
    controller.dispose();
    expect(media.tracks.at(-1)!.stopped).toBe(true);
  });

  it('gives up after the recovery window, and at once when permission is refused', async () => {
    const media = new FakeMedia();
    media.answers = Array(100).fill('NotReadableError');
    const { statuses, controller } = start(media);
    await vi.advanceTimersByTimeAsync(0);
    for (let t = 0; t <= CAMERA_RECOVERY_MS + 1000; t += 1000) {
      clock += 1000;
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(statuses.at(-1)).toMatchObject({ phase: 'error', error: { code: 'busy' } });
    const requests = media.requests.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(media.requests.length).toBe(requests);
    controller.dispose();

    const refused = new FakeMedia();
    refused.answers = ['NotAllowedError'];
    const denied = start(refused);
    await vi.advanceTimersByTimeAsync(0);
    expect(denied.statuses.at(-1)).toMatchObject({ phase: 'error', error: { code: 'denied' } });
    denied.controller.dispose();
  });
});

describe('camera choice', () => {
  it('uses the configured device, and falls back to the default camera when it is gone', async () => {
    const media = new FakeMedia();
    const chosen = await openCamera(media as unknown as MediaDevices, { ...request, deviceId: 'cam-2' });
    expect(chosen.fellBack).toBe(false);
    expect((media.requests[0]!.video as MediaTrackConstraints).deviceId).toEqual({ exact: 'cam-2' });
    media.answers = ['OverconstrainedError'];
    const fallback = await openCamera(media as unknown as MediaDevices, { ...request, deviceId: 'cam-9' });
    expect(fallback.fellBack).toBe(true);
    expect((media.requests[2]!.video as MediaTrackConstraints).deviceId).toBeUndefined();
    expect((media.requests[2]!.video as MediaTrackConstraints).width).toEqual({ ideal: 1280 });
  });
  it('does not fall back when no device was configured', async () => {
    const media = new FakeMedia();
    media.answers = ['NotFoundError'];
    await expect(openCamera(media as unknown as MediaDevices, request)).rejects.toMatchObject({ code: 'not-found' });
    expect(media.requests).toHaveLength(1);
  });
});

describe('spoken prompts', () => {
  it('speaks each new prompt in the kiosk language and does not nag', () => {
    const spoken: { text: string; lang: string }[] = [];
    const synth = { speak: (u: SpeechSynthesisUtterance) => spoken.push({ text: u.text, lang: u.lang }), cancel: () => undefined };
    const speaker = new PromptSpeaker(synth, (text) => ({ text, lang: '', rate: 1 }) as SpeechSynthesisUtterance);
    speaker.say('请靠近一点', 'zh-CN', 0);
    speaker.say('请靠近一点', 'zh-CN', 1000);
    speaker.say('Hold still', 'en', 1500);
    speaker.say('Hold still', 'en', 6000);
    expect(spoken).toEqual([
      { text: '请靠近一点', lang: 'zh-CN' }, { text: 'Hold still', lang: 'en' }, { text: 'Hold still', lang: 'en' },
    ]);
    expect(() => new PromptSpeaker(null).say('x', 'en')).not.toThrow();
  });
});
